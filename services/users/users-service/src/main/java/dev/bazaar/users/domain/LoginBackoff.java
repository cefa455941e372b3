package dev.bazaar.users.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Per-account back-off after failed logins: the first {@code freeFailures} cost nothing; after
 * that, the account may be tried again only {@code initialDelay} after the last failure, doubling
 * with each further failure up to {@code maxDelay}. Attempts refused while waiting are not counted,
 * so a guesser cannot lengthen the wait for the owner indefinitely, only keep it at its maximum.
 * Pure: the caller stores the failure count and the time of the last failure.
 */
public record LoginBackoff(int freeFailures, Duration initialDelay, Duration maxDelay) {

  public LoginBackoff {
    if (freeFailures < 1) {
      throw new IllegalArgumentException(
          "free failures must be at least 1, but was " + freeFailures);
    }
  }

  /** How long after the last of {@code failures} failures the account is closed to attempts. */
  public Duration delayAfter(int failures) {
    if (failures < freeFailures) {
      return Duration.ZERO;
    }
    int doublings = Math.min(failures - freeFailures, 30);
    Duration delay = initialDelay.multipliedBy(1L << doublings);
    return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
  }

  /** When the account can be tried again, or {@code null} if it can be now. */
  public Instant closedUntil(int failures, Instant lastFailure, Instant now) {
    Instant until = lastFailure.plus(delayAfter(failures));
    return until.isAfter(now) ? until : null;
  }
}
