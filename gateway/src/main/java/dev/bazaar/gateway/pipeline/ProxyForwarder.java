package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.upstream.BalancedUpstream;
import dev.bazaar.gateway.upstream.Upstream;
import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import dev.bazaar.gateway.upstream.UpstreamInstance;
import dev.bazaar.gateway.upstream.UpstreamPolicy;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.impl.ContextInternal;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The terminal step of the pipeline: forwards the exchange to an instance of its upstream over a
 * keep-alive pooled {@link HttpClient} and relays the answer. There is one client (and so one
 * connection pool) per event loop, created on first use: a request accepted on an event loop is
 * forwarded over upstream connections owned by the same loop, so neither the request nor the
 * response is handed between threads. The pool limits apply per event loop. Bodies stream in both
 * directions. The circuit breaker, instance choice and retries are decided per exchange by {@link
 * Forwarding}.
 */
@Singleton
public class ProxyForwarder {

  /** Headers the forwarder sets itself; incoming values are replaced (X-Forwarded-For appended). */
  static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");

  static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
  static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");

  /** Response headers the gateway owns rather than copying them from the upstream. */
  static final Set<String> NOT_COPIED_DOWNSTREAM = Set.of("x-request-id");

  private final Vertx vertx;
  private final HttpClientOptions clientOptions;
  private final PoolOptions poolOptions;
  private final Map<EventLoop, HttpClient> clients = new ConcurrentHashMap<>();
  private final long maxBodyBytes;
  private final Clock clock;

  public ProxyForwarder(Vertx vertx, GatewayConfig config, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.maxBodyBytes = config.maxBodySize().asLongValue();
    GatewayConfig.ClientConfig cc = config.client();
    HttpClientOptions options =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout(Math.max(1, (int) cc.keepAliveTimeout().toSeconds()))
            .setConnectTimeout((int) cc.connectTimeout().toMillis())
            // Upstreams are trusted to compress (or not); the gateway relays bytes as they are.
            .setDecompressionSupported(false)
            .setTryUseCompression(false)
            .setName("bazaar-gateway-upstreams");
    PoolOptions pool =
        new PoolOptions()
            .setHttp1MaxSize(cc.maxConnectionsPerEndpoint())
            .setMaxWaitQueueSize(cc.maxWaitQueueSize());
    this.clientOptions = options;
    this.poolOptions = pool;
  }

  @PreDestroy
  void close() {
    clients.values().forEach(HttpClient::close);
    clients.clear();
  }

  /** The context (and so the event loop) that serves {@code request}. */
  private ContextInternal contextOf(HttpServerRequest request) {
    return request instanceof HttpServerRequestInternal internal
        ? (ContextInternal) internal.context()
        : (ContextInternal) vertx.getOrCreateContext();
  }

  /** The client whose connections live on {@code loop}. */
  private HttpClient clientFor(EventLoop loop) {
    HttpClient client = clients.get(loop);
    if (client == null) {
      client =
          clients.computeIfAbsent(loop, l -> vertx.createHttpClient(clientOptions, poolOptions));
    }
    return client;
  }

  /** Forwards the exchange; its route and upstream are set by then. */
  public void forward(Exchange exchange) {
    addForwardedHeaders(exchange);
    Upstream upstream = exchange.upstream();
    BalancedUpstream balanced =
        upstream instanceof BalancedUpstream b ? b : single(upstream.name(), upstream.resolve());
    new Forwarding(this, exchange, balanced, clock).start();
  }

  /** One attempt of the exchange against one instance. */
  void call(
      Exchange exchange, Forwarding forwarding, UpstreamInstance instance, long timeoutMillis) {
    UpstreamEndpoint endpoint = instance.endpoint();
    RequestOptions options =
        new RequestOptions()
            .setMethod(exchange.request().method())
            .setHost(endpoint.host())
            .setPort(endpoint.port())
            .setSsl(endpoint.ssl())
            .setURI(endpoint.target(exchange.path(), exchange.request().query()))
            .setHeaders(exchange.upstreamHeaders());
    UpstreamPolicy policy = forwarding.policy();
    policy.connectTimeout().ifPresent(t -> options.setConnectTimeout(t.toMillis()));
    policy.readTimeout().ifPresent(t -> options.setIdleTimeout(t.toMillis()));
    ContextInternal context = contextOf(exchange.request());
    new ProxyCall(
            exchange,
            context,
            clientFor(context.nettyEventLoop()),
            options,
            instance,
            forwarding,
            timeoutMillis,
            maxBodyBytes)
        .start();
  }

  /** An upstream that is not balanced (a custom one): one instance, default policy. */
  private BalancedUpstream single(String name, UpstreamEndpoint endpoint) {
    BalancedUpstream b =
        new BalancedUpstream(
            name, "static", UpstreamPolicy.defaults(), clock, ThreadLocalRandom::current);
    b.update(List.of(endpoint));
    return b;
  }

  private static void addForwardedHeaders(Exchange exchange) {
    var request = exchange.request();
    var headers = exchange.upstreamHeaders();
    var remote = request.remoteAddress();
    if (remote != null && remote.hostAddress() != null) {
      String previous = request.headers().get(X_FORWARDED_FOR);
      headers.set(
          X_FORWARDED_FOR,
          previous == null || previous.isBlank()
              ? remote.hostAddress()
              : previous + ", " + remote.hostAddress());
    }
    headers.set(X_FORWARDED_PROTO, request.scheme() == null ? "http" : request.scheme());
    if (request.authority() != null) {
      headers.set(X_FORWARDED_HOST, request.authority().toString());
    }
  }
}
