package dev.bazaar.gateway.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A count-based circuit breaker for one upstream. CLOSED records the outcome of the last {@code
 * windowSize} calls and opens once at least {@code minimumCalls} were recorded and the failure
 * ratio reaches {@code failureRatio}. OPEN rejects every call for {@code openDuration}; then
 * HALF_OPEN lets {@code halfOpenProbes} calls through: when they all succeed the breaker closes,
 * the first failure opens it again.
 *
 * <p>Each call holds a {@link Permit}; results of permits taken before the last state change are
 * ignored, so a slow call that started while CLOSED cannot close a breaker that opened meanwhile.
 * All methods are short and synchronized: they are called from every event loop.
 */
public final class CircuitBreaker {

  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  /**
   * @param windowSize how many recent outcomes CLOSED looks at
   * @param minimumCalls outcomes needed in the window before the breaker may open
   * @param failureRatio share of failures in the window that opens the breaker, in (0, 1]
   * @param openDuration how long OPEN rejects calls before probing (the cool-down)
   * @param halfOpenProbes trial calls let through in HALF_OPEN; all must succeed to close
   */
  public record Settings(
      int windowSize,
      int minimumCalls,
      double failureRatio,
      Duration openDuration,
      int halfOpenProbes) {

    public Settings {
      if (windowSize < 1) {
        throw new IllegalArgumentException("window-size must be at least 1, but was " + windowSize);
      }
      if (minimumCalls < 1 || minimumCalls > windowSize) {
        throw new IllegalArgumentException(
            "minimum-calls must be between 1 and window-size ("
                + windowSize
                + "), but was "
                + minimumCalls);
      }
      if (!(failureRatio > 0 && failureRatio <= 1)) {
        throw new IllegalArgumentException(
            "failure-ratio must be in (0, 1], but was " + failureRatio);
      }
      if (openDuration.isNegative() || openDuration.isZero()) {
        throw new IllegalArgumentException(
            "open-duration must be positive, but was " + openDuration);
      }
      if (halfOpenProbes < 1) {
        throw new IllegalArgumentException(
            "half-open-probes must be at least 1, but was " + halfOpenProbes);
      }
    }

    public static Settings defaults() {
      return new Settings(20, 10, 0.5, Duration.ofSeconds(5), 1);
    }
  }

  /** The right to make one call; report its outcome exactly once. */
  public static final class Permit {
    private final long generation;
    private final boolean probe;
    private boolean settled;

    private Permit(long generation, boolean probe) {
      this.generation = generation;
      this.probe = probe;
    }

    public boolean probe() {
      return probe;
    }
  }

  private final Settings settings;
  private final Clock clock;
  private final boolean[] window;
  private int windowCount;
  private int windowNext;
  private int windowFailures;
  private State state = State.CLOSED;
  private long generation;
  private Instant openUntil = Instant.MIN;
  private int probesInFlight;
  private int probeSuccesses;
  private long timesOpened;

  public CircuitBreaker(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.window = new boolean[settings.windowSize()];
  }

  /** A permit for one call, or empty when the breaker rejects it. */
  public synchronized Optional<Permit> tryAcquire() {
    advance();
    return switch (state) {
      case CLOSED -> Optional.of(new Permit(generation, false));
      case OPEN -> Optional.empty();
      case HALF_OPEN -> {
        if (probesInFlight >= settings.halfOpenProbes()) {
          yield Optional.empty();
        }
        probesInFlight++;
        yield Optional.of(new Permit(generation, true));
      }
    };
  }

  public synchronized void onSuccess(Permit permit) {
    if (!settle(permit)) {
      return;
    }
    if (state == State.HALF_OPEN) {
      probesInFlight--;
      probeSuccesses++;
      if (probeSuccesses >= settings.halfOpenProbes()) {
        transition(State.CLOSED);
      }
    } else {
      record(false);
    }
  }

  public synchronized void onFailure(Permit permit) {
    if (!settle(permit)) {
      return;
    }
    if (state == State.HALF_OPEN) {
      open();
      return;
    }
    record(true);
    if (windowCount >= settings.minimumCalls()
        && windowFailures >= settings.failureRatio() * windowCount) {
      open();
    }
  }

  /** The call ended without saying anything about the upstream (the client left, say). */
  public synchronized void release(Permit permit) {
    if (settle(permit) && state == State.HALF_OPEN) {
      probesInFlight--;
    }
  }

  public synchronized State state() {
    advance();
    return state;
  }

  /** How many times the breaker has opened since the gateway started. */
  public synchronized long timesOpened() {
    return timesOpened;
  }

  /** Whole seconds a rejected caller should wait before trying again; at least 1. */
  public synchronized long retryAfterSeconds() {
    advance();
    if (state != State.OPEN) {
      return 1;
    }
    long millis = Duration.between(clock.instant(), openUntil).toMillis();
    return Math.max(1, (millis + 999) / 1000);
  }

  public Settings settings() {
    return settings;
  }

  private boolean settle(Permit permit) {
    if (permit.settled) {
      return false;
    }
    permit.settled = true;
    return permit.generation == generation;
  }

  /** OPEN turns HALF_OPEN once the cool-down has passed; checked lazily, no timer needed. */
  private void advance() {
    if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
      transition(State.HALF_OPEN);
    }
  }

  private void open() {
    transition(State.OPEN);
    openUntil = clock.instant().plus(settings.openDuration());
    timesOpened++;
  }

  private void transition(State next) {
    state = next;
    generation++;
    probesInFlight = 0;
    probeSuccesses = 0;
    windowCount = 0;
    windowNext = 0;
    windowFailures = 0;
  }

  private void record(boolean failure) {
    if (windowCount == window.length) {
      if (window[windowNext]) {
        windowFailures--;
      }
    } else {
      windowCount++;
    }
    window[windowNext] = failure;
    if (failure) {
      windowFailures++;
    }
    windowNext = (windowNext + 1) % window.length;
  }
}
