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
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caches anonymous GET responses of routes with {@code cache=public} and revalidates them: a stored
 * response is served without asking the upstream only while it is younger than the route's TTL
 * ({@code routes.<route>.cache-ttl}, else {@code cache.ttl}; 0 by default). After that the request
 * goes upstream with {@code If-None-Match: <the upstream's ETag>}; a 304 serves the stored body, a
 * 200 replaces it. Every answer carries a strong ETag (the upstream's, or one computed from the
 * body), and a matching {@code If-None-Match} from the client gets 304.
 *
 * <p>Only 200 responses to requests without {@code Authorization} or {@code Cookie}, whose upstream
 * did not mark them {@code private}/{@code no-store}/{@code no-cache} and set no cookie, are
 * stored. The key is the path, the query and the {@code Accept}/{@code Accept-Encoding} headers. A
 * successful (2xx) unsafe request (anything but GET, HEAD, OPTIONS, TRACE) through any route drops
 * every stored response below that route's prefix.
 */
@Singleton
public class ResponseCacheFilter implements GatewayFilter {

  /** After authentication and rate limits: a cache hit is still a request that counts. */
  public static final int ORDER_CACHE = 800;

  static final String X_CACHE = "X-Cache";

  private static final Set<HttpMethod> SAFE =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);

  /** Headers of a 304 that describe the body, which the stored body keeps as they were. */
  private static final Set<String> NOT_UPDATED_BY_304 =
      Set.of(
          "etag",
          "content-length",
          "content-type",
          "content-encoding",
          "content-range",
          "transfer-encoding");

  private final GatewayConfig gatewayConfig;
  private final UpstreamFetcher fetcher;
  private final GatewayMetrics metrics;
  private final Duration defaultTtl;
  private final Cache<String, CachedResponse> cache;
  private final long maxEntryBytes;

  /**
   * Counts invalidations; a fetch that started before one must not store its (possibly older)
   * answer after it.
   */
  private final AtomicLong invalidations = new AtomicLong();

  public ResponseCacheFilter(
      GatewayConfig gatewayConfig,
      CacheConfig config,
      UpstreamFetcher fetcher,
      GatewayMetrics metrics) {
    this.gatewayConfig = gatewayConfig;
    this.fetcher = fetcher;
    this.metrics = metrics;
    this.defaultTtl = nonNegative(config.ttl(), "bazaar.gateway.cache.ttl");
    gatewayConfig
        .routes()
        .forEach(
            (name, rc) ->
                rc.cacheTtl()
                    .ifPresent(
                        ttl -> nonNegative(ttl, "bazaar.gateway.routes." + name + ".cache-ttl")));
    this.maxEntryBytes = config.maxEntrySize().asLongValue();
    // No expiry by time: a stale entry is still worth its validator. Size bounds the cache.
    this.cache = Caffeine.newBuilder().maximumSize(config.maxEntries()).build();
  }

  private static Duration nonNegative(Duration ttl, String key) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException(key + " must be 0s or more, but was " + ttl);
    }
    return ttl;
  }

  @Override
  public int order() {
    return ORDER_CACHE;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    Route route = exchange.route();
    if (route != null && !SAFE.contains(exchange.request().method())) {
      invalidateOnSuccess(exchange, route);
      chain.proceed(exchange);
      return;
    }
    if (!cacheable(exchange)) {
      chain.proceed(exchange);
      return;
    }
    String key = key(exchange);
    Duration ttl = ttl(route);
    CachedResponse stored = cache.getIfPresent(key);
    if (stored != null && fresh(stored, ttl) && !clientWantsRevalidation(exchange.request())) {
      metrics.cacheLookup(route.name(), "hit");
      answer(exchange, stored, "HIT");
      return;
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(exchange.upstreamHeaders());
    // The client's conditionals are answered by the gateway; the upstream sees the gateway's own.
    headers.remove(HttpHeaders.IF_NONE_MATCH);
    headers.remove(HttpHeaders.IF_MODIFIED_SINCE);
    if (stored != null && stored.validator() != null) {
      headers.set(HttpHeaders.IF_NONE_MATCH, stored.validator());
    }
    addForwarded(exchange, headers);
    String pathAndQuery =
        exchange.request().query() == null
            ? exchange.path()
            : exchange.path() + "?" + exchange.request().query();
    long generation = invalidations.get();
    fetcher
        .get(exchange.upstream(), pathAndQuery, headers, route.timeout(), route.retry())
        .onSuccess(fetched -> onFetched(exchange, key, ttl, stored, generation, fetched))
        .onFailure(
            failure ->
                exchange.reject(
                    failure instanceof FetchException fe
                        ? fe.problem()
                        : Problem.of(
                            ProblemType.BAD_GATEWAY,
                            "Upstream '" + exchange.upstream().name() + "' failed.")));
  }

  private void onFetched(
      Exchange exchange,
      String key,
      Duration ttl,
      CachedResponse stored,
      long generation,
      Fetched fetched) {
    String route = exchange.route().name();
    if (fetched.status() == 304 && stored != null) {
      MultiMap updated = MultiMap.caseInsensitiveMultiMap().addAll(stored.headers());
      for (String name : fetched.headers().names()) {
        if (!NOT_UPDATED_BY_304.contains(name.toLowerCase(Locale.ROOT))) {
          updated.set(name, fetched.headers().getAll(name));
        }
      }
      CachedResponse confirmed = stored.revalidated(updated, System.nanoTime());
      if (invalidations.get() == generation) {
        cache.asMap().replace(key, stored, confirmed);
      }
      metrics.cacheLookup(route, "revalidated");
      answer(exchange, confirmed, "REVALIDATED");
      return;
    }
    metrics.cacheLookup(route, "miss");
    if (fetched.status() != 200 || !storable(fetched)) {
      // The upstream no longer confirms what is stored (gone, private now, failing).
      if (stored != null) {
        cache.asMap().remove(key, stored);
      }
      Responses.send(exchange, fetched.status(), fetched.headers(), fetched.body());
      return;
    }
    MultiMap headers = fetched.headers();
    String validator = headers.get(HttpHeaders.ETAG);
    String etag = validator;
    if (etag == null || etag.startsWith("W/")) {
      etag = ETags.strong(fetched.body().getBytes());
      headers.set(HttpHeaders.ETAG, etag);
    }
    CachedResponse fresh =
        new CachedResponse(headers, fetched.body(), etag, validator, System.nanoTime());
    // Without a validator a stale entry is worth nothing, so with a zero TTL it is not kept.
    boolean worthKeeping = validator != null || !ttl.isZero();
    if (worthKeeping
        && fetched.body().length() <= maxEntryBytes
        && invalidations.get() == generation) {
      cache.put(key, fresh);
    } else if (stored != null) {
      cache.asMap().remove(key, stored);
    }
    answer(exchange, fresh, "MISS");
  }

  /** Drops the stored responses below the route's prefix once the request has succeeded. */
  private void invalidateOnSuccess(Exchange exchange, Route route) {
    exchange.onResponseHead(
        status -> {
          if (status >= 200 && status < 300) {
            invalidate(route.prefix());
          }
        });
  }

  /** Drops every stored response whose path is {@code prefix} or lies below it. */
  void invalidate(String prefix) {
    invalidations.incrementAndGet();
    cache.asMap().keySet().removeIf(key -> Route.underPrefix(prefix, pathOf(key)));
  }

  private static String pathOf(String key) {
    return key.substring(0, key.indexOf('?'));
  }

  private static boolean fresh(CachedResponse stored, Duration ttl) {
    return System.nanoTime() - stored.validatedAtNanos() < ttl.toNanos();
  }

  private Duration ttl(Route route) {
    GatewayConfig.RouteConfig rc = gatewayConfig.routes().get(route.name());
    return rc == null ? defaultTtl : rc.cacheTtl().orElse(defaultTtl);
  }

  private static void answer(Exchange exchange, CachedResponse stored, String outcome) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(stored.headers());
    headers.set(X_CACHE, outcome);
    long ageSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stored.validatedAtNanos());
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

  /** {@code Cache-Control: no-cache} or {@code max-age=0} from the client: ask the upstream. */
  private static boolean clientWantsRevalidation(HttpServerRequest request) {
    String cacheControl = request.getHeader(HttpHeaders.CACHE_CONTROL);
    if (cacheControl == null) {
      return false;
    }
    String cc = cacheControl.toLowerCase(Locale.ROOT);
    return cc.contains("no-cache") || cc.contains("max-age=0");
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
