package dev.bazaar.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.gateway.resilience.CircuitBreaker.Permit;
import dev.bazaar.gateway.resilience.CircuitBreaker.State;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  final MutableClock clock = new MutableClock();
  final CircuitBreaker breaker =
      new CircuitBreaker(new CircuitBreaker.Settings(10, 4, 0.5, Duration.ofSeconds(5), 2), clock);

  Permit permit() {
    return breaker.tryAcquire().orElseThrow(() -> new AssertionError("breaker rejected the call"));
  }

  void fail(int n) {
    for (int i = 0; i < n; i++) {
      breaker.onFailure(permit());
    }
  }

  void succeed(int n) {
    for (int i = 0; i < n; i++) {
      breaker.onSuccess(permit());
    }
  }

  @Test
  void staysClosedBelowTheMinimumNumberOfCalls() {
    fail(3);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isPresent();
  }

  @Test
  void opensWhenTheFailureRatioIsReachedAndRejectsUntilTheCoolDownEnds() {
    succeed(2);
    fail(1);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    fail(1); // 2 of 4 failed: ratio 0.5
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isEmpty();
    assertThat(breaker.retryAfterSeconds()).isEqualTo(5);
    clock.advance(Duration.ofMillis(4_200));
    assertThat(breaker.tryAcquire()).isEmpty();
    assertThat(breaker.retryAfterSeconds()).isEqualTo(1);
    assertThat(breaker.timesOpened()).isEqualTo(1);
  }

  @Test
  void oldFailuresLeaveTheWindow() {
    fail(1);
    succeed(9);
    fail(4); // window of 10: the first failure has slid out, 4 of 10 failed
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    fail(1);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void halfOpenLetsOnlyTheProbesThroughAndClosesWhenTheyAllSucceed() {
    fail(4);
    clock.advance(Duration.ofSeconds(5));
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    Permit first = permit();
    Permit second = permit();
    assertThat(first.probe()).isTrue();
    assertThat(breaker.tryAcquire()).as("only two probes at a time").isEmpty();
    breaker.onSuccess(first);
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    breaker.onSuccess(second);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    fail(3);
    assertThat(breaker.state()).as("the window starts empty after closing").isEqualTo(State.CLOSED);
  }

  @Test
  void aFailedProbeOpensTheBreakerForAnotherCoolDown() {
    fail(4);
    clock.advance(Duration.ofSeconds(5));
    breaker.onFailure(permit());
    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.timesOpened()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(4));
    assertThat(breaker.tryAcquire()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryAcquire()).isPresent();
  }

  @Test
  void aReleasedProbeFreesItsSlotWithoutDecidingAnything() {
    fail(4);
    clock.advance(Duration.ofSeconds(5));
    Permit a = permit();
    Permit b = permit();
    breaker.release(a);
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    Permit c = permit();
    breaker.onSuccess(b);
    breaker.onSuccess(c);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void resultsOfCallsStartedBeforeAStateChangeAreIgnored() {
    Permit slow = permit();
    fail(4);
    clock.advance(Duration.ofSeconds(5));
    Permit probe = permit();
    breaker.onSuccess(slow);
    breaker.onSuccess(slow);
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    breaker.onFailure(probe);
    assertThat(breaker.state()).isEqualTo(State.OPEN);
  }

  @Test
  void settingsSayWhatIsWrong() {
    assertThatThrownBy(() -> new CircuitBreaker.Settings(10, 11, 0.5, Duration.ofSeconds(1), 1))
        .hasMessageContaining("minimum-calls must be between 1 and window-size (10), but was 11");
    assertThatThrownBy(() -> new CircuitBreaker.Settings(10, 5, 0, Duration.ofSeconds(1), 1))
        .hasMessageContaining("failure-ratio");
  }
}
