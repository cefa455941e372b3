package dev.bazaar.gateway.ratelimit;

import dev.bazaar.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/** In-memory buckets, or Redis-backed ones when {@code bazaar.gateway.redis-url} is set. */
@Singleton
public class RateLimiterProducer {

  /** Counts requests let through unchecked because Redis failed. */
  public static final String FAIL_OPEN_METRIC = "bazaar.gateway.ratelimit.fail.open";

  /** Buckets kept per policy by the in-memory limiter. */
  static final long LOCAL_MAX_BUCKETS_PER_POLICY = 1_000_000;

  private static final Logger LOG = Logger.getLogger(RateLimiterProducer.class);

  @Produces
  @Singleton
  RateLimiter rateLimiter(GatewayConfig config, Clock clock, Instance<MeterRegistry> registries) {
    String url = config.redisUrl().map(String::trim).orElse("");
    if (url.isEmpty()) {
      LOG.info("rate limits are kept in memory (one gateway instance)");
      return new LocalRateLimiter(LOCAL_MAX_BUCKETS_PER_POLICY);
    }
    MeterRegistry registry = registries.isResolvable() ? registries.get() : Metrics.globalRegistry;
    Counter failOpen =
        Counter.builder(FAIL_OPEN_METRIC)
            .description("Requests let through without a rate limit because Redis failed")
            .register(registry);
    try {
      return new RedisRateLimiter(
          url, config.redis().keyPrefix(), config.redis().timeout(), clock, failOpen::increment);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          // The URL may hold a password: name the key, not the value.
          "bazaar.gateway.redis-url is not a valid redis:// or rediss:// URL", e);
    }
  }

  void close(@Disposes RateLimiter limiter) {
    limiter.close();
  }
}
