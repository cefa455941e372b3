package dev.bazaar.users.domain;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A bound on password hashes computed at once. bcrypt is deliberately slow, so a flood of logins or
 * registrations would otherwise put every worker thread on it and starve everything else users
 * does; beyond the bound a request waits briefly, then is turned away at once ({@link Busy}) rather
 * than queued behind work that may take seconds.
 */
public final class HashingGate {

  /** No hashing slot came free in time. */
  public static final class Busy extends RuntimeException {
    public Busy() {
      super("password hashing is at capacity", null, false, false);
    }
  }

  private final Semaphore slots;
  private final long maxWaitNanos;

  public HashingGate(int maxConcurrent, Duration maxWait) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException(
          "concurrent hashes must be at least 1, but was " + maxConcurrent);
    }
    this.slots = new Semaphore(maxConcurrent, true);
    this.maxWaitNanos = maxWait.toNanos();
  }

  /** Runs {@code work} in a slot, or throws {@link Busy} if none comes free within the wait. */
  public <T> T run(Supplier<T> work) {
    boolean acquired;
    try {
      acquired = slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Busy();
    }
    if (!acquired) {
      throw new Busy();
    }
    try {
      return work.get();
    } finally {
      slots.release();
    }
  }

  /** Slots free right now. */
  public int available() {
    return slots.availablePermits();
  }
}
