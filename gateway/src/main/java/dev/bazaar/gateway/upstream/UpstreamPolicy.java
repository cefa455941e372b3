package dev.bazaar.gateway.upstream;

import dev.bazaar.gateway.resilience.CircuitBreaker;
import java.time.Duration;
import java.util.Optional;

/**
 * How the gateway treats one upstream: balancing, ejection, breaker, retries and timeouts.
 *
 * @param connectTimeout time to get a connection (TCP connect, or a pooled one); empty: the
 *     client's {@code connect-timeout}
 * @param readTimeout longest silence on an open upstream connection; empty: none
 * @param maxAttempts attempts per request, the first one included (1 = never retry)
 * @param retryBudgetRatio tokens each request adds to the retry budget
 * @param retryBudgetMaxTokens size of the retry budget's bucket
 */
public record UpstreamPolicy(
    LoadBalancer.Strategy lb,
    InstancePolicy instances,
    CircuitBreaker.Settings breaker,
    HealthCheck healthCheck,
    Optional<Duration> connectTimeout,
    Optional<Duration> readTimeout,
    int maxAttempts,
    double retryBudgetRatio,
    double retryBudgetMaxTokens) {

  /**
   * Active health checks: {@code GET path} on each instance every {@code interval}; a 2xx within
   * {@code timeout} passes.
   */
  public record HealthCheck(boolean enabled, String path, Duration interval, Duration timeout) {

    public HealthCheck {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException(
            "health-check.path must start with '/', but was " + path);
      }
      if (interval.toMillis() < 1 || timeout.toMillis() < 1) {
        throw new IllegalArgumentException("health-check interval and timeout must be positive");
      }
    }

    public static HealthCheck defaults() {
      return new HealthCheck(true, "/q/health/ready", Duration.ofSeconds(5), Duration.ofSeconds(1));
    }
  }

  public UpstreamPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "retry.max-attempts must be at least 1, but was " + maxAttempts);
    }
  }

  public static UpstreamPolicy defaults() {
    return new UpstreamPolicy(
        LoadBalancer.Strategy.ROUND_ROBIN,
        InstancePolicy.defaults(),
        CircuitBreaker.Settings.defaults(),
        HealthCheck.defaults(),
        Optional.empty(),
        Optional.empty(),
        3,
        0.2,
        10);
  }
}
