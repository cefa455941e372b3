package dev.bazaar.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.fetch.FetchException;
import dev.bazaar.gateway.fetch.Fetched;
import dev.bazaar.gateway.fetch.Responses;
import dev.bazaar.gateway.fetch.UpstreamFetcher;
import dev.bazaar.gateway.metrics.GatewayMetrics;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.route.Route;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Caches anonymous GET responses of routes with {@code cache=public} for a short TTL and answers
 * conditional requests: every stored response carries a strong ETag (the upstream's, or one
 * computed from the body), and a matching {@code If-None-Match} gets 304. Only 200 responses to
 * requests without {@code Authorization} or {@code Cookie}, whose upstream did not mark them {@code
 * private}/{@code no-store} and set no cookie, are stored. The key is the path, the query and the
 * {@code Accept}/{@code Accept-Encoding} headers.
 */
@Singleton
public class ResponseCacheFilter implements GatewayFilter {

  /** After authentication and rate limits: a cache hit is still a request that counts. */
  public static final int ORDER_CACHE = 800;

  static final String X_CACHE = "X-Cache";

  private final GatewayConfig gatewayConfig;
  private final UpstreamFetcher fetcher;
  private final GatewayMetrics metrics;
  private final Cache<String, CachedResponse> cache;
  private final long maxEntryBytes;

  public ResponseCacheFilter(
      GatewayConfig gatewayConfig,
      CacheConfig config,
      UpstreamFetcher fetcher,
      GatewayMetrics metrics) {
    this.gatewayConfig = gatewayConfig;
    this.fetcher = fetcher;
    this.metrics = metrics;
    this.maxEntryBytes = config.maxEntrySize().asLongValue();
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(config.maxEntries())
            .expireAfterWrite(config.ttl().toNanos(), TimeUnit.NANOSECONDS)
            .build();
  }

  @Override
  public int order() {
    return ORDER_CACHE;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    if (!cacheable(exchange)) {
      chain.proceed(exchange);
      return;
    }
    Route route = exchange.route();
    String key = key(exchange);
    CachedResponse hit = cache.getIfPresent(key);
    if (hit != null) {
      metrics.cacheLookup(route.name(), true);
      answer(exchange, hit, "HIT");
      return;
    }
    metrics.cacheLookup(route.name(), false);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(exchange.upstreamHeaders());
    // The upstream is asked for the full representation; revalidation is the gateway's job.
    headers.remove(HttpHeaders.IF_NONE_MATCH);
    headers.remove(HttpHeaders.IF_MODIFIED_SINCE);
    addForwarded(exchange, headers);
    String pathAndQuery =
        exchange.request().query() == null
            ? exchange.path()
            : exchange.path() + "?" + exchange.request().query();
    fetcher
        .get(
            exchange.upstream().name(),
            exchange.upstream().resolve(),
            pathAndQuery,
            headers,
            route.timeout())
        .onSuccess(fetched -> onFetched(exchange, key, fetched))
        .onFailure(
            failure ->
                exchange.reject(
                    failure instanceof FetchException fe
                        ? fe.problem()
                        : Problem.of(
                            ProblemType.BAD_GATEWAY,
                            "Upstream '" + exchange.upstream().name() + "' failed.")));
  }

  private void onFetched(Exchange exchange, String key, Fetched fetched) {
    if (fetched.status() != 200 || !storable(fetched)) {
      Responses.send(exchange, fetched.status(), fetched.headers(), fetched.body());
      return;
    }
    MultiMap headers = fetched.headers();
    String etag = headers.get(HttpHeaders.ETAG);
    if (etag == null || etag.startsWith("W/")) {
      etag = ETags.strong(fetched.body().getBytes());
      headers.set(HttpHeaders.ETAG, etag);
    }
    CachedResponse stored = new CachedResponse(headers, fetched.body(), etag, System.nanoTime());
    if (fetched.body().length() <= maxEntryBytes) {
      cache.put(key, stored);
    }
    answer(exchange, stored, "MISS");
  }

  private static void answer(Exchange exchange, CachedResponse stored, String outcome) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(stored.headers());
    headers.set(X_CACHE, outcome);
    long ageSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stored.storedAtNanos());
    headers.set("Age", Long.toString(ageSeconds));
    String ifNoneMatch = exchange.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ETags.matches(ifNoneMatch, stored.etag())) {
      headers.remove(HttpHeaders.CONTENT_TYPE);
      Responses.send(exchange, 304, headers, stored.body());
      return;
    }
    Responses.send(exchange, 200, headers, stored.body());
  }

  private boolean cacheable(Exchange exchange) {
    Route route = exchange.route();
    if (route == null) {
      return false;
    }
    GatewayConfig.RouteConfig rc = gatewayConfig.routes().get(route.name());
    if (rc == null || rc.cache() != CachePolicy.PUBLIC) {
      return false;
    }
    HttpServerRequest request = exchange.request();
    HttpMethod method = request.method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      return false;
    }
    MultiMap headers = request.headers();
    if (headers.contains(HttpHeaders.AUTHORIZATION) || headers.contains(HttpHeaders.COOKIE)) {
      return false;
    }
    String cacheControl = headers.get(HttpHeaders.CACHE_CONTROL);
    return cacheControl == null || !cacheControl.toLowerCase(Locale.ROOT).contains("no-store");
  }

  private static boolean storable(Fetched fetched) {
    MultiMap headers = fetched.headers();
    if (headers.contains(HttpHeaders.SET_COOKIE) || headers.contains(HttpHeaders.VARY, "*", true)) {
      return false;
    }
    String cacheControl = headers.get(HttpHeaders.CACHE_CONTROL);
    if (cacheControl == null) {
      return true;
    }
    String cc = cacheControl.toLowerCase(Locale.ROOT);
    return !cc.contains("private") && !cc.contains("no-store") && !cc.contains("no-cache");
  }

  static String key(Exchange exchange) {
    HttpServerRequest request = exchange.request();
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    String encoding = request.getHeader(HttpHeaders.ACCEPT_ENCODING);
    return exchange.path()
        + '?'
        + (request.query() == null ? "" : request.query())
        + '\n'
        + (accept == null ? "" : accept)
        + '\n'
        + (encoding == null ? "" : encoding);
  }

  static void addForwarded(Exchange exchange, MultiMap headers) {
    HttpServerRequest request = exchange.request();
    if (request.remoteAddress() != null && request.remoteAddress().hostAddress() != null) {
      String previous = request.getHeader("X-Forwarded-For");
      String client = request.remoteAddress().hostAddress();
      headers.set(
          "X-Forwarded-For",
          previous == null || previous.isBlank() ? client : previous + ", " + client);
    }
    headers.set("X-Forwarded-Proto", request.scheme() == null ? "http" : request.scheme());
    if (request.authority() != null) {
      headers.set("X-Forwarded-Host", request.authority().toString());
    }
  }
}
