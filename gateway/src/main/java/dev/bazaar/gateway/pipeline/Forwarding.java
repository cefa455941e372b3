package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.resilience.CircuitBreaker;
import dev.bazaar.gateway.resilience.RetryPolicy;
import dev.bazaar.gateway.upstream.BalancedUpstream;
import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import dev.bazaar.gateway.upstream.UpstreamInstance;
import dev.bazaar.gateway.upstream.UpstreamPolicy;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The attempts of one exchange against a balanced upstream: asks the circuit breaker, picks an
 * instance, and decides after a failed attempt whether to retry on another instance.
 *
 * <p>Retry rules: a failure before the request left the gateway (connect refused or timed out, no
 * pooled connection) is retried for any method, because nothing was sent and the body is still
 * unread. A connection that broke before the response headers is retried only for idempotent
 * methods (GET, HEAD, OPTIONS, PUT, DELETE) that carry no body: a streamed body cannot be sent
 * twice. Timeouts and upstream answers (5xx included) are never retried. Every retry goes to an
 * instance not tried yet, needs a token from the upstream's {@link
 * dev.bazaar.gateway.resilience.RetryBudget}, and must fit in the route's timeout. A route with
 * {@code retry=none} never retries.
 *
 * <p>The breaker sees the outcome of the whole exchange; outlier ejection sees every attempt.
 */
final class Forwarding {

  /** Why an attempt failed before the upstream answered. */
  enum Failure {
    /** Nothing was sent: no connection could be had. */
    CONNECT,
    /** The connection broke after the request (or part of it) was sent. */
    RESET,
    /** No response headers within the route timeout, or the read timeout hit. */
    TIMEOUT
  }

  static final Set<HttpMethod> IDEMPOTENT =
      Set.of(
          HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

  private final ProxyForwarder forwarder;
  private final Exchange exchange;
  private final BalancedUpstream upstream;
  private final Clock clock;
  private final Set<UpstreamEndpoint> tried = new HashSet<>();
  private CircuitBreaker.Permit permit;
  private long deadlineNanos;
  private int attempts;

  Forwarding(ProxyForwarder forwarder, Exchange exchange, BalancedUpstream upstream, Clock clock) {
    this.forwarder = forwarder;
    this.exchange = exchange;
    this.upstream = upstream;
    this.clock = clock;
  }

  void start() {
    Optional<CircuitBreaker.Permit> granted = upstream.breaker().tryAcquire();
    if (granted.isEmpty()) {
      exchange.reject(
          Problem.of(
                  ProblemType.UPSTREAM_UNAVAILABLE,
                  "Upstream '"
                      + upstream.name()
                      + "' is failing; the gateway stopped calling it for a moment (circuit"
                      + " open).")
              .withHeader("Retry-After", Long.toString(upstream.breaker().retryAfterSeconds())));
      return;
    }
    permit = granted.get();
    upstream.retryBudget().onRequest();
    // A client that asked the upstream to hold the answer (Prefer: wait) gets that long on top.
    deadlineNanos =
        System.nanoTime()
            + exchange.route().timeout().toNanos()
            + PreferredWait.extraNanos(exchange.request());
    Optional<UpstreamInstance> first = upstream.pick(tried);
    if (first.isEmpty()) {
      upstream.breaker().release(permit);
      exchange.reject(
          Problem.of(
                  ProblemType.UPSTREAM_UNAVAILABLE,
                  "Upstream '" + upstream.name() + "' has no instances right now.")
              .withHeader("Retry-After", "1"));
      return;
    }
    attempt(first.get());
  }

  UpstreamPolicy policy() {
    return upstream.policy();
  }

  int attempts() {
    return attempts;
  }

  private void attempt(UpstreamInstance instance) {
    attempts++;
    tried.add(instance.endpoint());
    long remainingMillis = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    forwarder.call(exchange, this, instance, remainingMillis);
  }

  /** The upstream's response headers arrived. */
  void answered(UpstreamInstance instance, int status) {
    if (status >= 500) {
      instance.recordFailure(clock.instant());
      upstream.breaker().onFailure(permit);
    } else {
      instance.recordSuccess();
      upstream.breaker().onSuccess(permit);
    }
  }

  /**
   * An attempt failed before the upstream answered.
   *
   * @return true when a retry is under way; false when the caller must answer with the failure
   */
  boolean failed(UpstreamInstance instance, Failure failure) {
    instance.recordFailure(clock.instant());
    if (retryable(failure) && attempts < upstream.policy().maxAttempts() && timeLeft()) {
      Optional<UpstreamInstance> next = upstream.pick(tried);
      if (next.isPresent()) {
        if (upstream.retryBudget().tryRetry()) {
          attempt(next.get());
          return true;
        }
        next.get().release();
      }
    }
    upstream.breaker().onFailure(permit);
    return false;
  }

  /** The exchange ended without telling anything about the upstream (client gone, body too big). */
  void abandoned() {
    upstream.breaker().release(permit);
  }

  private boolean retryable(Failure failure) {
    return retryable(
        exchange.route().retry(), failure, exchange.request().method(), exchange.hasRequestBody());
  }

  /** The retry rules, by route policy, kind of failure, method and whether a body was sent. */
  static boolean retryable(
      RetryPolicy policy, Failure failure, HttpMethod method, boolean hasRequestBody) {
    if (policy == RetryPolicy.NONE) {
      return false;
    }
    return switch (failure) {
      case CONNECT -> true;
      case RESET -> IDEMPOTENT.contains(method) && !hasRequestBody;
      case TIMEOUT -> false;
    };
  }

  private boolean timeLeft() {
    return deadlineNanos - System.nanoTime() > 0;
  }
}
