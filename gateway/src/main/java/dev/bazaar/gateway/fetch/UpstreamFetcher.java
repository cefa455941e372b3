package dev.bazaar.gateway.fetch;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.pipeline.HopByHopHeaders;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.resilience.CircuitBreaker;
import dev.bazaar.gateway.resilience.RetryPolicy;
import dev.bazaar.gateway.upstream.BalancedUpstream;
import dev.bazaar.gateway.upstream.Upstream;
import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import dev.bazaar.gateway.upstream.UpstreamInstance;
import dev.bazaar.gateway.upstream.UpstreamPolicy;
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
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Buffered GETs to an upstream, for the parts of the gateway that must see a whole response before
 * answering: the response cache (to compute an ETag), the aggregations (to merge JSON) and the API
 * documentation (to merge OpenAPI documents). Streaming proxying stays in {@code ProxyForwarder}.
 * Responses larger than {@link #MAX_BODY_BYTES} fail with 502. Fetches go through the same circuit
 * breaker, balancing, outlier ejection and retry budget as proxied requests.
 */
@Singleton
public class UpstreamFetcher {

  /** Largest upstream body buffered; these are JSON documents, not downloads. */
  public static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

  private static final Set<String> NOT_COPIED = Set.of("host", "content-length", "expect");

  private final Vertx vertx;
  private final Clock clock;
  private final HttpClient client;

  public UpstreamFetcher(Vertx vertx, GatewayConfig config, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
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
   * GETs {@code pathAndQuery} from an instance of {@code upstream}, with the same accounting as a
   * proxied request: the upstream's circuit breaker must let the call through (else 503 at once),
   * the instance is chosen by the upstream's balancer, a 5xx answer or a failed attempt counts
   * against the instance (outlier ejection) and, after the retries, against the breaker. A failed
   * attempt is retried on another instance as {@code retry} allows for a GET without a body, within
   * the upstream's {@code retry.max-attempts}, its retry budget and {@code timeout}. Fails with a
   * {@link FetchException} (503 unreachable or circuit open, 504 no answer within {@code timeout},
   * 502 otherwise) when no complete response arrives.
   */
  public Future<Fetched> get(
      Upstream upstream,
      String pathAndQuery,
      MultiMap headers,
      Duration timeout,
      RetryPolicy retry) {
    if (!(upstream instanceof BalancedUpstream balanced)) {
      return once(
          upstream.name(),
          upstream.resolve(),
          pathAndQuery,
          headers,
          timeout.toMillis(),
          UpstreamPolicy.defaults());
    }
    return new Call(balanced, pathAndQuery, headers, timeout, retry).start();
  }

  /** {@link #get(Upstream, String, MultiMap, Duration, RetryPolicy)} with the default retries. */
  public Future<Fetched> get(
      Upstream upstream, String pathAndQuery, MultiMap headers, Duration timeout) {
    return get(upstream, pathAndQuery, headers, timeout, RetryPolicy.IDEMPOTENT);
  }

  /** The attempts of one fetch against a balanced upstream. */
  private final class Call {
    private final BalancedUpstream upstream;
    private final String pathAndQuery;
    private final MultiMap headers;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final Promise<Fetched> result = Promise.promise();
    private final Set<UpstreamEndpoint> tried = new HashSet<>();
    private CircuitBreaker.Permit permit;
    private long deadlineNanos;
    private int attempts;

    Call(
        BalancedUpstream upstream,
        String pathAndQuery,
        MultiMap headers,
        Duration timeout,
        RetryPolicy retry) {
      this.upstream = upstream;
      this.pathAndQuery = pathAndQuery;
      this.headers = headers;
      this.timeout = timeout;
      this.retry = retry;
    }

    Future<Fetched> start() {
      Optional<CircuitBreaker.Permit> granted = upstream.breaker().tryAcquire();
      if (granted.isEmpty()) {
        return Future.failedFuture(
            new FetchException(
                Problem.of(
                        ProblemType.UPSTREAM_UNAVAILABLE,
                        "Upstream '"
                            + upstream.name()
                            + "' is failing; the gateway stopped calling it for a moment"
                            + " (circuit open).")
                    .withHeader(
                        "Retry-After", Long.toString(upstream.breaker().retryAfterSeconds())),
                null,
                FetchException.Kind.NOT_CALLED));
      }
      permit = granted.get();
      upstream.retryBudget().onRequest();
      deadlineNanos = System.nanoTime() + timeout.toNanos();
      Optional<UpstreamInstance> first = upstream.pick(tried);
      if (first.isEmpty()) {
        upstream.breaker().release(permit);
        return Future.failedFuture(
            new FetchException(
                Problem.of(
                        ProblemType.UPSTREAM_UNAVAILABLE,
                        "Upstream '" + upstream.name() + "' has no instances right now.")
                    .withHeader("Retry-After", "1"),
                null,
                FetchException.Kind.NOT_CALLED));
      }
      attempt(first.get());
      return result.future();
    }

    private void attempt(UpstreamInstance instance) {
      attempts++;
      tried.add(instance.endpoint());
      long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
      once(
              upstream.name(),
              instance.endpoint(),
              pathAndQuery,
              headers,
              remainingMillis,
              upstream.policy())
          .onComplete(
              ar -> {
                instance.release();
                if (ar.succeeded()) {
                  answered(instance, ar.result());
                } else {
                  failed(instance, ar.cause());
                }
              });
    }

    private void answered(UpstreamInstance instance, Fetched fetched) {
      if (fetched.status() >= 500) {
        instance.recordFailure(clock.instant());
        upstream.breaker().onFailure(permit);
      } else {
        instance.recordSuccess();
        upstream.breaker().onSuccess(permit);
      }
      result.complete(fetched);
    }

    private void failed(UpstreamInstance instance, Throwable cause) {
      FetchException failure = classify(upstream.name(), cause);
      if (failure.kind() == FetchException.Kind.REFUSED) {
        upstream.breaker().release(permit);
        result.fail(failure);
        return;
      }
      instance.recordFailure(clock.instant());
      if (retryable(failure.kind())
          && attempts < upstream.policy().maxAttempts()
          && deadlineNanos - System.nanoTime() > 0) {
        Optional<UpstreamInstance> next = upstream.pick(tried);
        if (next.isPresent()) {
          if (upstream.retryBudget().tryRetry()) {
            attempt(next.get());
            return;
          }
          next.get().release();
        }
      }
      upstream.breaker().onFailure(permit);
      result.fail(failure);
    }

    /** A GET carries no body, so a reset is as safe to retry as a failed connect. */
    private boolean retryable(FetchException.Kind kind) {
      return retry != RetryPolicy.NONE
          && (kind == FetchException.Kind.CONNECT || kind == FetchException.Kind.RESET);
    }
  }

  /** One GET against one endpoint, without any accounting. */
  private Future<Fetched> once(
      String upstreamName,
      UpstreamEndpoint endpoint,
      String pathAndQuery,
      MultiMap headers,
      long timeoutMillis,
      UpstreamPolicy policy) {
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
    policy.connectTimeout().ifPresent(t -> options.setConnectTimeout(t.toMillis()));
    policy.readTimeout().ifPresent(t -> options.setIdleTimeout(t.toMillis()));
    Promise<Fetched> promise = Promise.promise();
    long timer =
        vertx.setTimer(
            timeoutMillis,
            id ->
                promise.tryFail(
                    new FetchException(
                        Problem.of(
                            ProblemType.UPSTREAM_TIMEOUT,
                            "Upstream '"
                                + upstreamName
                                + "' did not answer within "
                                + timeoutMillis
                                + " ms."),
                        new TimeoutException(),
                        FetchException.Kind.TIMEOUT)));
    client
        .request(options)
        .recover(
            connectFailure ->
                Future.failedFuture(
                    new FetchException(
                        unreachable(upstreamName), connectFailure, FetchException.Kind.CONNECT)))
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
        null,
        FetchException.Kind.REFUSED);
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
        return new FetchException(unreachable(upstreamName), failure, FetchException.Kind.CONNECT);
      }
      if (t instanceof TimeoutException) {
        return new FetchException(
            Problem.of(
                ProblemType.UPSTREAM_TIMEOUT,
                "Upstream '" + upstreamName + "' went silent and was cut off."),
            failure,
            FetchException.Kind.TIMEOUT);
      }
    }
    return new FetchException(
        Problem.of(
            ProblemType.BAD_GATEWAY,
            "Upstream '" + upstreamName + "' closed the connection without a valid response."),
        failure,
        FetchException.Kind.RESET);
  }

  private static Problem unreachable(String upstreamName) {
    return Problem.of(
            ProblemType.UPSTREAM_UNAVAILABLE,
            "Upstream '" + upstreamName + "' is not reachable; try again shortly.")
        .withHeader("Retry-After", "1");
  }
}
