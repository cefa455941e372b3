package dev.bazaar.gateway.config;

import dev.bazaar.gateway.upstream.LoadBalancer;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Discovery, balancing and resilience of one upstream ({@code bazaar.gateway.upstreams.<name>.*}).
 * Every key has a default, so an upstream configured only by its URL under {@code
 * bazaar.gateway.upstream.<name>} gets all of them.
 */
public interface UpstreamConfig {

  /** How instances are found. */
  enum Discovery {
    STATIC,
    REGISTRY,
    DNS
  }

  /**
   * {@code static}, {@code registry} or {@code dns}. Unset: {@code static} when {@code instances}
   * is set, else {@code dns} when {@code dns-name} is set, else {@code registry} when {@code
   * bazaar.gateway.registry-file} is set, else {@code static} with the single URL.
   */
  Optional<Discovery> discovery();

  /** Static instance URLs (comma-separated); unset: the URL under {@code upstream.<name>}. */
  Optional<List<URI>> instances();

  /** Service name in the registry file; unset: the upstream's name. */
  Optional<String> service();

  /** DNS name whose A/AAAA records are the instances (a Kubernetes headless service). */
  Optional<String> dnsName();

  /** Port of the DNS-discovered instances. */
  OptionalInt port();

  /** Whether DNS-discovered instances speak TLS. */
  @WithDefault("false")
  boolean ssl();

  /** How often the DNS name is resolved again. */
  @WithDefault("5s")
  Duration dnsRefresh();

  /** {@code round-robin} or {@code least-outstanding}. */
  @WithDefault("round-robin")
  LoadBalancer.Strategy lb();

  /** Time to obtain a connection; unset: {@code bazaar.gateway.client.connect-timeout}. */
  Optional<Duration> connectTimeout();

  /** Longest silence on an open upstream connection; unset: none (event streams stay open). */
  Optional<Duration> readTimeout();

  HealthCheck healthCheck();

  Outlier outlier();

  Breaker breaker();

  Retry retry();

  /** Active health checks. */
  interface HealthCheck {
    @WithDefault("true")
    boolean enabled();

    @WithDefault("/q/health/ready")
    String path();

    /**
     * 5 s: a readiness check costs the instance a database and broker check, and passive outlier
     * ejection takes a failing instance out on the first requests that fail, between checks.
     */
    @WithDefault("5s")
    Duration interval();

    @WithDefault("1s")
    Duration timeout();

    /** Failed checks in a row that take an instance out. */
    @WithDefault("2")
    int unhealthyThreshold();

    /** Passed checks in a row that bring it back. */
    @WithDefault("1")
    int healthyThreshold();
  }

  /** Passive outlier ejection. */
  interface Outlier {
    /** 5xx answers or connect failures in a row that eject an instance. */
    @WithDefault("5")
    int consecutiveFailures();

    @WithDefault("5s")
    Duration baseEjectionTime();

    @WithDefault("60s")
    Duration maxEjectionTime();

    /** Re-admitted instances ramp up from 10% to their full share of traffic over this time. */
    @WithDefault("10s")
    Duration slowStart();
  }

  /** Circuit breaker for the whole upstream. */
  interface Breaker {
    @WithDefault("20")
    int windowSize();

    @WithDefault("10")
    int minimumCalls();

    @WithDefault("0.5")
    double failureRatio();

    /** Cool-down before the breaker lets probes through. */
    @WithDefault("5s")
    Duration openDuration();

    @WithDefault("1")
    int halfOpenProbes();
  }

  /** Retries. */
  interface Retry {
    /** Attempts per request including the first; 1 disables retries. */
    @WithDefault("3")
    int maxAttempts();

    /** Retry tokens each request earns. */
    @WithDefault("0.2")
    double budgetRatio();

    /** Size of the retry token bucket. */
    @WithDefault("10")
    double budgetMaxTokens();
  }
}
