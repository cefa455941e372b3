package dev.bazaar.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.gateway.resilience.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamInstanceTest {

  final MutableClock clock = new MutableClock();
  final InstancePolicy policy =
      new InstancePolicy(
          3, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10), 2, 1);
  final UpstreamInstance instance =
      new UpstreamInstance(new UpstreamEndpoint("10.0.0.1", 8080, false, ""), policy, null);

  void fail(int n) {
    for (int i = 0; i < n; i++) {
      instance.recordFailure(clock.instant());
    }
  }

  @Test
  void consecutiveFailuresEjectAndASuccessInBetweenStartsCountingAgain() {
    fail(2);
    instance.recordSuccess();
    fail(2);
    assertThat(instance.isEjected(clock.instant())).isFalse();
    fail(1);
    assertThat(instance.isEjected(clock.instant())).isTrue();
    assertThat(instance.weight(clock.instant())).isZero();
  }

  @Test
  void reAdmittedInstancesRampUpFromTenPercent() {
    fail(3);
    clock.advance(Duration.ofSeconds(5));
    assertThat(instance.isEjected(clock.instant())).isFalse();
    assertThat(instance.weight(clock.instant())).isEqualTo(UpstreamInstance.MIN_WEIGHT);
    clock.advance(Duration.ofSeconds(5));
    assertThat(instance.weight(clock.instant())).isEqualTo(0.5);
    clock.advance(Duration.ofSeconds(5));
    assertThat(instance.weight(clock.instant())).isEqualTo(1.0);
  }

  @Test
  void eachEjectionLastsTwiceAsLongUpToTheMaximum() {
    fail(3); // 5 s
    clock.advance(Duration.ofSeconds(5));
    fail(1); // on probation: one failure ejects again, now for 10 s
    assertThat(instance.ejections()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(9));
    assertThat(instance.isEjected(clock.instant())).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(instance.isEjected(clock.instant())).isFalse();
    fail(1); // 20 s
    clock.advance(Duration.ofSeconds(20));
    fail(1); // 40 s, capped at 30 s
    clock.advance(Duration.ofSeconds(29));
    assertThat(instance.isEjected(clock.instant())).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(instance.isEjected(clock.instant())).isFalse();
  }

  @Test
  void afterTheSlowStartItTakesConsecutiveFailuresAgainAndTheStreakResetsWhenStable() {
    fail(3);
    clock.advance(Duration.ofSeconds(15)); // ejection over and slow start done
    assertThat(instance.weight(clock.instant())).isEqualTo(1.0);
    fail(2);
    assertThat(instance.isEjected(clock.instant())).isFalse();
    clock.advance(Duration.ofSeconds(60)); // longer than max-ejection-time without an ejection
    fail(1);
    assertThat(instance.ejections()).as("streak starts over").isEqualTo(1);
  }

  @Test
  void failedHealthChecksTakeItOutAndAPassedOneBringsItBackSlowly() {
    instance.recordHealth(false, clock.instant());
    assertThat(instance.weight(clock.instant())).isEqualTo(1.0);
    instance.recordHealth(false, clock.instant());
    assertThat(instance.healthy()).isFalse();
    assertThat(instance.weight(clock.instant())).isZero();
    clock.advance(Duration.ofSeconds(3));
    instance.recordHealth(true, clock.instant());
    assertThat(instance.healthy()).isTrue();
    assertThat(instance.weight(clock.instant())).isEqualTo(UpstreamInstance.MIN_WEIGHT);
  }

  @Test
  void failuresWhileEjectedDoNotExtendTheEjection() {
    fail(3);
    fail(10);
    assertThat(instance.ejections()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(5));
    assertThat(instance.isEjected(clock.instant())).isFalse();
  }
}
