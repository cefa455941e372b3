package dev.bazaar.gateway.fetch;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.pipeline.HopByHopHeaders;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Buffered GETs to an upstream, for the parts of the gateway that must see a whole response before
 * answering: the response cache (to compute an ETag), the aggregations (to merge JSON) and the API
 * documentation (to merge OpenAPI documents). Streaming proxying stays in {@code ProxyForwarder}.
 * Responses larger than {@link #MAX_BODY_BYTES} fail with 502.
 */
@Singleton
public class UpstreamFetcher {

  /** Largest upstream body buffered; these are JSON documents, not downloads. */
  public static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private static final Set<String> NOT_COPIED = Set.of("host", "content-length", "expect");

  private final Vertx vertx;
  private final HttpClient client;

  public UpstreamFetcher(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    GatewayConfig.ClientConfig cc = config.client();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(Math.max(1, (int) cc.keepAliveTimeout().toSeconds()))
                .setConnectTimeout((int) cc.connectTimeout().toMillis())
                .setDecompressionSupported(false)
                .setName("bazaar-gateway-fetch"),
            new PoolOptions()
                .setHttp1MaxSize(cc.maxConnectionsPerEndpoint())
                .setMaxWaitQueueSize(cc.maxWaitQueueSize()));
  }

  @PreDestroy
  void close() {
    client.close();
  }

  /**
   * GETs {@code pathAndQuery} (below the endpoint's base path) with the end-to-end headers of
   * {@code headers}. Fails with a {@link FetchException} (503 unreachable, 504 no answer within
   * {@code timeout}, 502 otherwise) when no complete response arrives.
   */
  public Future<Fetched> get(
      String upstreamName,
      UpstreamEndpoint endpoint,
      String pathAndQuery,
      MultiMap headers,
      Duration timeout) {
    MultiMap sent = MultiMap.caseInsensitiveMultiMap();
    HopByHopHeaders.copyEndToEnd(headers, sent, NOT_COPIED);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(endpoint.host())
            .setPort(endpoint.port())
            .setSsl(endpoint.ssl())
            .setURI(endpoint.basePath() + pathAndQuery)
            .setHeaders(sent);
    Promise<Fetched> promise = Promise.promise();
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            id ->
                promise.tryFail(
                    new FetchException(
                        Problem.of(
                            ProblemType.UPSTREAM_TIMEOUT,
                            "Upstream '"
                                + upstreamName
                                + "' did not answer within "
                                + timeout.toMillis()
                                + " ms."),
                        new TimeoutException())));
    client
        .request(options)
        .compose(
            request -> {
              // Resetting on timeout frees the pooled connection instead of waiting it out.
              promise.future().onFailure(e -> request.reset());
              return request.send();
            })
        .compose(
            response -> {
              String declared = response.getHeader("Content-Length");
              if (declared != null && parseLong(declared) > MAX_BODY_BYTES) {
                response.request().reset();
                return Future.failedFuture(tooLarge(upstreamName));
              }
              Promise<Fetched> body = Promise.promise();
              Buffer buffer = Buffer.buffer();
              response.handler(
                  chunk -> {
                    if (buffer.length() + chunk.length() > MAX_BODY_BYTES) {
                      response.request().reset();
                      body.tryFail(tooLarge(upstreamName));
                      return;
                    }
                    buffer.appendBuffer(chunk);
                  });
              response.exceptionHandler(body::tryFail);
              response.endHandler(
                  v -> {
                    MultiMap copied = MultiMap.caseInsensitiveMultiMap();
                    HopByHopHeaders.copyEndToEnd(response.headers(), copied, Set.of());
                    body.tryComplete(new Fetched(response.statusCode(), copied, buffer));
                  });
              return body.future();
            })
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              if (ar.succeeded()) {
                promise.tryComplete(ar.result());
              } else {
                promise.tryFail(classify(upstreamName, ar.cause()));
              }
            });
    return promise.future();
  }

  private static long parseLong(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static FetchException tooLarge(String upstreamName) {
    return new FetchException(
        Problem.of(
            ProblemType.BAD_GATEWAY,
            "Upstream '"
                + upstreamName
                + "' answered with more than "
                + MAX_BODY_BYTES
                + " bytes."),
        null);
  }

  static FetchException classify(String upstreamName, Throwable failure) {
    if (failure instanceof FetchException fe) {
      return fe;
    }
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof ConnectionPoolTooBusyException) {
        return new FetchException(
            Problem.of(
                    ProblemType.UPSTREAM_UNAVAILABLE,
                    "Upstream '" + upstreamName + "' is not reachable; try again shortly.")
                .withHeader("Retry-After", "1"),
            failure);
      }
    }
    return new FetchException(
        Problem.of(
            ProblemType.BAD_GATEWAY,
            "Upstream '" + upstreamName + "' closed the connection without a valid response."),
        failure);
  }
}
