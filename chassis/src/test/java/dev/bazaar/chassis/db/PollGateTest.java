package dev.bazaar.chassis.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PollGateTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T10:00:00Z"));
  private final PollGate gate = new PollGate(clock, Duration.ofSeconds(8));

  @Test
  void looksAtEveryTickUntilItFindsNothing() {
    assertThat(gate.shouldLook()).isTrue();
    gate.foundWork();
    assertThat(gate.shouldLook()).isTrue();
  }

  @Test
  void afterNothingDueItWaitsForTheEarliestDueRow() {
    gate.nothingDue(clock.instant().plusSeconds(3));
    clock.advance(Duration.ofMillis(2999));
    assertThat(gate.shouldLook()).isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(gate.shouldLook()).isTrue();
  }

  @Test
  void withNothingWaitingItStillLooksAfterTheIdleBound() {
    gate.nothingDue(null);
    clock.advance(Duration.ofSeconds(7));
    assertThat(gate.shouldLook()).as("rows another process left are picked up").isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(gate.shouldLook()).isTrue();
  }

  @Test
  void aDistantDueRowDoesNotPostponeBeyondTheIdleBound() {
    gate.nothingDue(clock.instant().plusSeconds(60));
    clock.advance(Duration.ofSeconds(8));
    assertThat(gate.shouldLook()).isTrue();
  }

  @Test
  void aRowWrittenHereBringsTheNextLookForward() {
    gate.nothingDue(null);
    gate.dueAt(clock.instant().plusSeconds(2));
    clock.advance(Duration.ofSeconds(2));
    assertThat(gate.shouldLook()).isTrue();
  }

  @Test
  void aLaterRowNeverPostponesALookAlreadyDue() {
    gate.nothingDue(clock.instant().plusSeconds(1));
    gate.dueAt(clock.instant().plusSeconds(5));
    clock.advance(Duration.ofSeconds(1));
    assertThat(gate.shouldLook()).isTrue();
  }
}
