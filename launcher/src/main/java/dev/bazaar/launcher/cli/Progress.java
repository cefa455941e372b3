package dev.bazaar.launcher.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Progress lines prefixed with the time elapsed since the command started. */
public final class Progress {
  private final PrintStream out;
  private final Clock clock;
  private final Instant start;

  public Progress(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.start = clock.instant();
  }

  public Instant start() {
    return start;
  }

  public Duration elapsed() {
    return Duration.between(start, clock.instant());
  }

  public synchronized void line(String message) {
    out.println(String.format(Locale.ROOT, "[%5.1fs] %s", seconds(elapsed()), message));
    out.flush();
  }

  /** Marks the start of a step; {@link Step#done} prints how long it took. */
  public Step step(String message) {
    line(message + " ...");
    return new Step(clock.instant());
  }

  /** A running step. */
  public final class Step {
    private final Instant began;

    private Step(Instant began) {
      this.began = began;
    }

    public void done(String message) {
      line(
          String.format(
              Locale.ROOT,
              "%s (%.1f s)",
              message,
              seconds(Duration.between(began, clock.instant()))));
    }
  }

  public static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
