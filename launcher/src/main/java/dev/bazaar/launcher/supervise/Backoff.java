package dev.bazaar.launcher.supervise;

import java.time.Duration;

/**
 * Restart delays: 1 s, 2 s, 4 s ... capped at 30 s; back to 1 s once an instance stayed healthy for
 * 60 s before it died. Not thread-safe: one per instance, used under the supervisor's lock.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final Duration resetAfter;
  private int attempt;

  public Backoff(Duration initial, Duration max, Duration resetAfter) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial delay must be positive, but was " + initial);
    }
    this.initial = initial;
    this.max = max;
    this.resetAfter = resetAfter;
  }

  public static Backoff standard() {
    return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  /**
   * The delay before the next restart.
   *
   * @param healthyFor how long the instance that just died had been ready (zero if never)
   */
  public Duration next(Duration healthyFor) {
    if (healthyFor.compareTo(resetAfter) >= 0) {
      attempt = 0;
    }
    Duration delay = initial;
    for (int i = 0; i < attempt && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    attempt++;
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
