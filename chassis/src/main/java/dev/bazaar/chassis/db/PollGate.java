package dev.bazaar.chassis.db;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a poller of due rows (saga deadlines, pending payments) has to look at its table: at every
 * tick while it finds work, then not before the earliest due time it saw, and at the latest after
 * {@code idleMax}. Rows this process writes tell the gate when they are due ({@link #dueAt}), so
 * they are handled on time; the {@code idleMax} bound is how late a row another process wrote (and
 * did not handle: it crashed) is picked up. An idle service then costs a query every few seconds
 * instead of one per tick.
 */
public final class PollGate {

  private final Clock clock;
  private final Duration idleMax;
  private Instant next = Instant.MIN;

  public PollGate(Clock clock, Duration idleMax) {
    if (idleMax.isNegative()) {
      throw new IllegalArgumentException("idleMax must not be negative, but was " + idleMax);
    }
    this.clock = clock;
    this.idleMax = idleMax;
  }

  /** True when the poller should query its table at this tick. */
  public synchronized boolean shouldLook() {
    return !clock.instant().isBefore(next);
  }

  /** The poller found rows and may have left some: look again at the next tick. */
  public synchronized void foundWork() {
    next = Instant.MIN;
  }

  /**
   * The poller found nothing more that is due; {@code earliestDue} is the earliest due time among
   * the waiting rows (null: none waits).
   */
  public synchronized void nothingDue(Instant earliestDue) {
    Instant cap = clock.instant().plus(idleMax);
    next = earliestDue != null && earliestDue.isBefore(cap) ? earliestDue : cap;
  }

  /** A row that becomes due at {@code due} was written in this process. */
  public synchronized void dueAt(Instant due) {
    if (due != null && due.isBefore(next)) {
      next = due;
    }
  }
}
