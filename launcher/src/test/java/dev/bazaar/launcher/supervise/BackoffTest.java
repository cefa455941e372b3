package dev.bazaar.launcher.supervise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  static List<Long> seconds(Backoff b, int n, Duration healthyFor) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.next(healthyFor).toSeconds());
    }
    return out;
  }

  @Test
  void doublesFromOneSecondUpToThirty() {
    assertThat(seconds(Backoff.standard(), 8, Duration.ZERO))
        .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
  }

  @Test
  void shortHealthyPeriodsDoNotReset() {
    Backoff b = Backoff.standard();
    seconds(b, 3, Duration.ZERO);

    assertThat(b.next(Duration.ofSeconds(59))).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void sixtySecondsHealthyStartsOverAtOneSecond() {
    Backoff b = Backoff.standard();
    seconds(b, 6, Duration.ZERO);

    assertThat(b.next(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.next(Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void manyFailuresStayAtTheCap() {
    assertThat(seconds(Backoff.standard(), 200, Duration.ZERO).getLast()).isEqualTo(30L);
  }

  @Test
  void rejectsANonPositiveInitialDelay() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO))
        .hasMessageContaining("initial delay must be positive");
  }
}
