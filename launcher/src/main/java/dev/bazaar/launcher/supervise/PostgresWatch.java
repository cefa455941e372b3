package dev.bazaar.launcher.supervise;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Restarts the embedded PostgreSQL when its postmaster dies. The launcher runs PostgreSQL inside
 * its own JVM (not as a supervised child), so without this a {@code kill -9} of the postmaster left
 * every service without a database until the whole system was restarted. Restarts follow the same
 * back-off as the services ({@link Backoff}); a start that fails (orphaned backends of the killed
 * postmaster may still hold its shared memory for a moment) is simply tried again.
 *
 * <p>Plain Java: {@link #check()} is called on a schedule by the launcher and by tests.
 */
public final class PostgresWatch {

  /**
   * Starts PostgreSQL again on the same data directory and port; returns the new postmaster pid.
   */
  @FunctionalInterface
  public interface Starter {
    long start() throws Exception;
  }

  /** What the watch reports to the launcher's state file. */
  public interface Listener {
    void restarting(long deadPid, int restarts, Duration delay);

    void restarted(long pid, int restarts);

    void failed(Exception e, int restarts);
  }

  private final LongPredicate alive;
  private final Starter starter;
  private final Listener listener;
  private final Backoff backoff;
  private final Clock clock;
  private final Consumer<Duration> sleeper;
  private long pid;
  private Instant readySince;
  private int restarts;

  public PostgresWatch(
      long pid,
      LongPredicate alive,
      Starter starter,
      Listener listener,
      Backoff backoff,
      Clock clock,
      Consumer<Duration> sleeper) {
    this.pid = pid;
    this.alive = alive;
    this.starter = starter;
    this.listener = listener;
    this.backoff = backoff;
    this.clock = clock;
    this.sleeper = sleeper;
    this.readySince = clock.instant();
  }

  /**
   * Looks at the postmaster once; if it is gone, waits the back-off and starts PostgreSQL again,
   * until a start succeeds (or {@code keepGoing} turns false because Bazaar is stopping).
   *
   * @return true when it restarted PostgreSQL
   */
  public boolean check(java.util.function.BooleanSupplier keepGoing) {
    if (alive.test(pid)) {
      return false;
    }
    long dead = pid;
    while (keepGoing.getAsBoolean()) {
      Duration healthy =
          readySince == null ? Duration.ZERO : Duration.between(readySince, clock.instant());
      Duration delay = backoff.next(healthy);
      readySince = null;
      restarts++;
      listener.restarting(dead, restarts, delay);
      sleeper.accept(delay);
      if (!keepGoing.getAsBoolean()) {
        return false;
      }
      try {
        pid = starter.start();
        readySince = clock.instant();
        listener.restarted(pid, restarts);
        return true;
      } catch (Exception e) {
        listener.failed(e, restarts);
      }
    }
    return false;
  }

  public int restarts() {
    return restarts;
  }

  public long pid() {
    return pid;
  }
}
