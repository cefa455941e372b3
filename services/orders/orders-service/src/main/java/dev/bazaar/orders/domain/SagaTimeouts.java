package dev.bazaar.orders.domain;

import java.time.Duration;

/**
 * How long each saga step may wait for its reply, and how often unanswered compensations are sent
 * again.
 */
public record SagaTimeouts(
    Duration reserve, Duration payment, Duration commit, Duration compensationRetry) {

  public SagaTimeouts {
    for (Duration d : new Duration[] {reserve, payment, commit, compensationRetry}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("saga timeouts must be positive, but one was " + d);
      }
    }
  }
}
