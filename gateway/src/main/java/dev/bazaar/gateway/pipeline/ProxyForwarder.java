package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * The terminal step of the pipeline: forwards the exchange to its upstream over one shared,
 * keep-alive pooled {@link HttpClient} and relays the answer. Bodies stream in both directions.
 */
@Singleton
public class ProxyForwarder {

  /** Headers the forwarder sets itself; incoming values are replaced (X-Forwarded-For appended). */
  static final String X_FORWARDED_FOR = "X-Forwarded-For";

  static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";
  static final String X_FORWARDED_HOST = "X-Forwarded-Host";

  /** Response headers the gateway owns rather than copying them from the upstream. */
  static final Set<String> NOT_COPIED_DOWNSTREAM = Set.of("x-request-id");

  private final Vertx vertx;
  private final HttpClient client;
  private final long maxBodyBytes;

  public ProxyForwarder(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
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
    this.client = vertx.createHttpClient(options, pool);
  }

  @PreDestroy
  void close() {
    client.close();
  }

  /** Forwards the exchange; its route and upstream are set by then. */
  public void forward(Exchange exchange) {
    UpstreamEndpoint endpoint = exchange.upstream().resolve();
    addForwardedHeaders(exchange);
    RequestOptions options =
        new RequestOptions()
            .setMethod(exchange.request().method())
            .setHost(endpoint.host())
            .setPort(endpoint.port())
            .setSsl(endpoint.ssl())
            .setURI(endpoint.target(exchange.path(), exchange.request().query()))
            .setHeaders(exchange.upstreamHeaders());
    new ProxyCall(exchange, vertx, client, options, endpoint, maxBodyBytes).start();
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
