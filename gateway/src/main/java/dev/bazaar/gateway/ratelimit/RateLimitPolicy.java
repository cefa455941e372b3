package dev.bazaar.gateway.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A token bucket: {@code capacity} requests at once, refilled evenly so that an empty bucket is
 * full again after {@code period}. Each client has its own bucket per route.
 *
 * @param name the policy's name, shown in the {@code RateLimit-Policy} header
 * @param capacity requests per period (and the largest burst)
 * @param period time for an empty bucket to refill
 * @param keyBy whose bucket a request takes from
 */
public record RateLimitPolicy(String name, long capacity, Duration period, KeyBy keyBy) {

  /** Whose bucket a request takes a token from. */
  public enum KeyBy {
    /** The verified user when there is one, else the client IP address. */
    CLIENT,
    /** The client IP address, even for authenticated requests (login brute-force protection). */
    IP
  }

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  public RateLimitPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(keyBy, "keyBy");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be lowercase letters, digits and '-', but was '" + name + "'");
    }
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
    }
    if (period.isNegative() || period.toMillis() < 1) {
      throw new IllegalArgumentException("period must be at least 1ms, but was " + period);
    }
  }

  /** The Bucket4j configuration of one bucket under this policy. */
  public BucketConfiguration bucket() {
    return BucketConfiguration.builder()
        .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, period))
        .build();
  }

  /** {@link #bucket()} for Bucket4j's asynchronous proxies. */
  java.util.concurrent.CompletableFuture<BucketConfiguration> bucketFuture() {
    return java.util.concurrent.CompletableFuture.completedFuture(bucket());
  }

  /** The {@code RateLimit-Policy} field value, e.g. {@code "default";q=100;w=10}. */
  public String header() {
    return "\"" + name + "\";q=" + capacity + ";w=" + Math.max(1, ceilSeconds(period.toNanos()));
  }

  static long ceilSeconds(long nanos) {
    return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
