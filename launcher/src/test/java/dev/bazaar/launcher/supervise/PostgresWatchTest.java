package dev.bazaar.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresWatchTest {

  private final Set<Long> alive = new HashSet<>(Set.of(100L));
  private final List<String> events = new ArrayList<>();
  private final List<Duration> slept = new ArrayList<>();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);
  private int failuresLeft;
  private long nextPid = 200;

  private final PostgresWatch.Listener listener =
      new PostgresWatch.Listener() {
        @Override
        public void restarting(long deadPid, int restarts, Duration delay) {
          events.add("restarting " + deadPid + " #" + restarts + " in " + delay.toSeconds() + "s");
        }

        @Override
        public void restarted(long pid, int restarts) {
          events.add("restarted " + pid + " #" + restarts);
        }

        @Override
        public void failed(Exception e, int restarts) {
          events.add("failed #" + restarts + ": " + e.getMessage());
        }
      };

  private PostgresWatch watch() {
    return new PostgresWatch(
        100,
        alive::contains,
        () -> {
          if (failuresLeft-- > 0) {
            throw new IllegalStateException("shared memory still in use");
          }
          long pid = nextPid++;
          alive.add(pid);
          return pid;
        },
        listener,
        Backoff.standard(),
        clock,
        slept::add);
  }

  @Test
  void aLivePostmasterIsLeftAlone() {
    PostgresWatch w = watch();

    assertThat(w.check(() -> true)).isFalse();
    assertThat(events).isEmpty();
  }

  @Test
  void aKilledPostmasterIsStartedAgainAfterTheBackoff() {
    PostgresWatch w = watch();
    alive.remove(100L);

    assertThat(w.check(() -> true)).isTrue();

    assertThat(events).containsExactly("restarting 100 #1 in 1s", "restarted 200 #1");
    assertThat(w.pid()).isEqualTo(200);
    assertThat(w.check(() -> true)).as("the new postmaster is watched").isFalse();
  }

  @Test
  void aFailedStartIsRetriedWithLongerDelays() {
    PostgresWatch w = watch();
    alive.remove(100L);
    failuresLeft = 2;

    assertThat(w.check(() -> true)).isTrue();

    assertThat(events)
        .containsExactly(
            "restarting 100 #1 in 1s",
            "failed #1: shared memory still in use",
            "restarting 100 #2 in 2s",
            "failed #2: shared memory still in use",
            "restarting 100 #3 in 4s",
            "restarted 200 #3");
    assertThat(w.restarts()).isEqualTo(3);
  }

  @Test
  void nothingIsStartedWhileBazaarStops() {
    PostgresWatch w = watch();
    alive.remove(100L);

    assertThat(w.check(() -> false)).isFalse();
    assertThat(events).isEmpty();
    assertThat(alive).isEmpty();
  }
}
