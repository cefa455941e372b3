package dev.bazaar.gateway.upstream;

import java.time.Duration;

/**
 * When an instance is taken out of rotation and how it comes back.
 *
 * @param consecutiveFailures failures in a row (5xx, connect failure, reset, timeout) that eject it
 * @param baseEjectionTime the first ejection lasts this long; each further one doubles it
 * @param maxEjectionTime the longest ejection; an instance that stayed in rotation this long after
 *     its last ejection starts again from {@code baseEjectionTime}
 * @param slowStart after re-admission (ejection over, or healthy again) its share of traffic grows
 *     linearly from {@value UpstreamInstance#MIN_WEIGHT} to 1 over this time; one failure in that
 *     time ejects it again
 * @param unhealthyThreshold failed active health checks in a row that mark it unhealthy
 * @param healthyThreshold passed health checks in a row that mark it healthy again
 */
public record InstancePolicy(
    int consecutiveFailures,
    Duration baseEjectionTime,
    Duration maxEjectionTime,
    Duration slowStart,
    int unhealthyThreshold,
    int healthyThreshold) {

  public InstancePolicy {
    if (consecutiveFailures < 1) {
      throw new IllegalArgumentException(
          "consecutive-failures must be at least 1, but was " + consecutiveFailures);
    }
    if (baseEjectionTime.isNegative() || baseEjectionTime.isZero()) {
      throw new IllegalArgumentException(
          "base-ejection-time must be positive, but was " + baseEjectionTime);
    }
    if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
      throw new IllegalArgumentException(
          "max-ejection-time must be at least base-ejection-time, but was " + maxEjectionTime);
    }
    if (slowStart.isNegative()) {
      throw new IllegalArgumentException("slow-start must not be negative, but was " + slowStart);
    }
    if (unhealthyThreshold < 1 || healthyThreshold < 1) {
      throw new IllegalArgumentException("health check thresholds must be at least 1");
    }
  }

  public static InstancePolicy defaults() {
    return new InstancePolicy(
        5, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(10), 2, 1);
  }
}
