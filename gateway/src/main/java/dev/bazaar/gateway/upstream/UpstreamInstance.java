package dev.bazaar.gateway.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One instance of an upstream with what the gateway has learnt about it: requests in flight,
 * passive outlier state (consecutive failures, ejections) and the active health check result. Time
 * comes in as an argument, so the state machine is tested without sleeping.
 */
public final class UpstreamInstance {

  /** The smallest share of traffic a re-admitted instance gets at the start of its slow start. */
  public static final double MIN_WEIGHT = 0.1;

  private final UpstreamEndpoint endpoint;
  private final InstancePolicy policy;
  private final AtomicInteger outstanding = new AtomicInteger();

  // Guarded by this.
  private int consecutiveFailures;
  private int ejections;
  private Instant ejectedUntil;
  private Instant availableSince;
  private boolean probation;
  private boolean healthy = true;
  private int healthFailures;
  private int healthSuccesses;

  /**
   * @param availableSince start of a slow start, or {@code null} for full weight at once (the
   *     instances known when the gateway starts)
   */
  public UpstreamInstance(
      UpstreamEndpoint endpoint, InstancePolicy policy, Instant availableSince) {
    this.endpoint = endpoint;
    this.policy = policy;
    this.availableSince = availableSince;
  }

  public UpstreamEndpoint endpoint() {
    return endpoint;
  }

  /** Requests forwarded to this instance that have not finished. */
  public int outstanding() {
    return outstanding.get();
  }

  void acquire() {
    outstanding.incrementAndGet();
  }

  /** A request picked for this instance finished (in whatever way). */
  public void release() {
    outstanding.decrementAndGet();
  }

  /**
   * The share of its normal traffic this instance gets now: 0 while ejected or unhealthy, rising
   * from {@link #MIN_WEIGHT} to 1 during slow start, else 1.
   */
  public synchronized double weight(Instant now) {
    if (!healthy || isEjected(now)) {
      return 0;
    }
    if (availableSince == null || policy.slowStart().isZero()) {
      return 1;
    }
    long elapsed = Duration.between(availableSince, now).toMillis();
    long ramp = policy.slowStart().toMillis();
    if (elapsed >= ramp) {
      probation = false;
      return 1;
    }
    return Math.max(MIN_WEIGHT, (double) Math.max(0, elapsed) / ramp);
  }

  public synchronized boolean isEjected(Instant now) {
    return ejectedUntil != null && now.isBefore(ejectedUntil);
  }

  public synchronized boolean healthy() {
    return healthy;
  }

  /** How many times this instance has been ejected in its current streak. */
  public synchronized int ejections() {
    return ejections;
  }

  public synchronized void recordSuccess() {
    consecutiveFailures = 0;
  }

  /** A 5xx answer, a failed connect, a reset or a timeout. */
  public synchronized void recordFailure(Instant now) {
    if (isEjected(now)) {
      return;
    }
    consecutiveFailures++;
    boolean onProbation = probation && weight(now) < 1;
    if (onProbation || consecutiveFailures >= policy.consecutiveFailures()) {
      eject(now);
    }
  }

  /** The result of one active health check. */
  public synchronized void recordHealth(boolean passed, Instant now) {
    if (passed) {
      healthFailures = 0;
      healthSuccesses++;
      if (!healthy && healthSuccesses >= policy.healthyThreshold()) {
        healthy = true;
        consecutiveFailures = 0;
        availableSince = isEjected(now) ? ejectedUntil : now;
        probation = true;
      }
    } else {
      healthSuccesses = 0;
      healthFailures++;
      if (healthy && healthFailures >= policy.unhealthyThreshold()) {
        healthy = false;
      }
    }
  }

  private void eject(Instant now) {
    if (ejectedUntil != null
        && Duration.between(ejectedUntil, now).compareTo(policy.maxEjectionTime()) > 0) {
      ejections = 0;
    }
    ejections++;
    Duration duration = policy.baseEjectionTime().multipliedBy(1L << Math.min(ejections - 1, 20));
    if (duration.compareTo(policy.maxEjectionTime()) > 0) {
      duration = policy.maxEjectionTime();
    }
    ejectedUntil = now.plus(duration);
    availableSince = ejectedUntil;
    probation = true;
    consecutiveFailures = 0;
  }

  @Override
  public String toString() {
    return endpoint.toString();
  }
}
