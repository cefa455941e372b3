package dev.bazaar.gateway.ratelimit;

import dev.bazaar.gateway.auth.Identity;
import dev.bazaar.gateway.metrics.GatewayMetrics;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Takes a token from the caller's bucket for the route's policy: one bucket per policy, route and
 * client (the verified user, else the client IP address). Sends the IETF {@code RateLimit-Policy}
 * and {@code RateLimit} headers on limited routes and answers 429 with {@code Retry-After} when the
 * bucket is empty.
 */
@Singleton
public class RateLimitFilter implements GatewayFilter {

  /** After authentication, whose identity keys the bucket. */
  public static final int ORDER = ORDER_ROUTING + 60;

  static final String POLICY_HEADER = "RateLimit-Policy";
  static final String RATELIMIT_HEADER = "RateLimit";

  /** The same names pre-hashed: they are set on every response of a limited route. */
  private static final CharSequence POLICY_NAME = HttpHeaders.createOptimized(POLICY_HEADER);

  private static final CharSequence RATELIMIT_NAME = HttpHeaders.createOptimized(RATELIMIT_HEADER);

  private final RateLimiter limiter;
  private final GatewayMetrics metrics;

  public RateLimitFilter(RateLimiter limiter, GatewayMetrics metrics) {
    this.limiter = limiter;
    this.metrics = metrics;
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    Optional<RateLimitPolicy> configured = exchange.route().rateLimit();
    if (configured.isEmpty()) {
      chain.proceed(exchange);
      return;
    }
    RateLimitPolicy policy = configured.get();
    String key = policy.name() + ":" + exchange.route().name() + ":" + client(exchange, policy);
    Context context = Vertx.currentContext();
    limiter
        .tryConsume(policy, key)
        .whenComplete(
            (decision, failure) -> {
              RateLimitDecision d = failure == null ? decision : RateLimitDecision.UNENFORCED;
              if (context == null || Vertx.currentContext() == context) {
                apply(exchange, chain, policy, d);
              } else {
                context.runOnContext(v -> apply(exchange, chain, policy, d));
              }
            });
  }

  private void apply(
      Exchange exchange, FilterChain chain, RateLimitPolicy policy, RateLimitDecision decision) {
    if (!decision.enforced()) {
      chain.proceed(exchange);
      return;
    }
    if (!decision.allowed()) {
      metrics.rateLimited(exchange.route().name());
      exchange.reject(
          Problem.of(
                  ProblemType.TOO_MANY_REQUESTS,
                  "Rate limit '"
                      + policy.name()
                      + "' allows "
                      + policy.capacity()
                      + " requests per "
                      + policy.period().toSeconds()
                      + "s; retry in "
                      + decision.retryAfterSeconds()
                      + "s.")
              .withHeader("Retry-After", Long.toString(decision.retryAfterSeconds()))
              .withHeader(POLICY_HEADER, policy.header())
              .withHeader(RATELIMIT_HEADER, decision.header(policy)));
      return;
    }
    exchange.response().putHeader(POLICY_NAME, policy.header());
    exchange.response().putHeader(RATELIMIT_NAME, decision.header(policy));
    chain.proceed(exchange);
  }

  /** {@code user:<sub>} for a verified caller (unless the policy keys by IP), else {@code ip:…}. */
  static String client(Exchange exchange, RateLimitPolicy policy) {
    Identity identity = exchange.identity();
    if (identity != null && policy.keyBy() == RateLimitPolicy.KeyBy.CLIENT) {
      return "user:" + identity.subject();
    }
    SocketAddress remote = exchange.request().remoteAddress();
    String ip = remote == null ? null : remote.hostAddress();
    return "ip:" + (ip == null ? "unknown" : ip);
  }
}
