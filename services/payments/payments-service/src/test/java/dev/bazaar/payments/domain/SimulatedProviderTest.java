package dev.bazaar.payments.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.payments.api.PaymentTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SimulatedProviderTest {

  static final Instant NOW = Instant.parse("2026-11-25T14:00:00Z");
  static final Money AMOUNT = new Money(3750, "EUR");

  final SimulatedProvider provider =
      new SimulatedProvider(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(3), 2);

  @Test
  void tokOkAuthorizes() {
    assertThat(provider.authorize(PaymentTokens.OK, AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Authorize());
  }

  @Test
  void tokDeclinedDeclinesWithTheProvidersReason() {
    assertThat(provider.authorize(PaymentTokens.DECLINED, AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Decline("card declined by the provider"));
  }

  @Test
  void tokSlowAnswersAfterTheDelayCountedFromTheClock() {
    assertThat(provider.authorize(PaymentTokens.SLOW, AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Pending(NOW.plusSeconds(3)));
    SimulatedProvider later =
        new SimulatedProvider(
            Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC), Duration.ofMillis(500), 2);
    assertThat(later.authorize(PaymentTokens.SLOW, AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Pending(NOW.plusSeconds(60).plusMillis(500)));
  }

  @Test
  void tokErrorFailsTransientlyOnTheFirstNCallsThenAuthorizes() {
    for (int call = 1; call <= 2; call++) {
      int c = call;
      assertThatThrownBy(() -> provider.authorize(PaymentTokens.ERROR, AMOUNT, c))
          .isInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining("call " + c);
    }
    assertThat(provider.authorize(PaymentTokens.ERROR, AMOUNT, 3))
        .isEqualTo(new ProviderDecision.Authorize());
    assertThat(provider.authorize(PaymentTokens.ERROR, AMOUNT, 4))
        .isEqualTo(new ProviderDecision.Authorize());
  }

  @Test
  void withZeroErrorFailuresTokErrorAuthorizesAtOnce() {
    SimulatedProvider noFailures =
        new SimulatedProvider(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ZERO, 0);
    assertThat(noFailures.authorize(PaymentTokens.ERROR, AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Authorize());
  }

  @Test
  void onlyTokErrorNeedsTheCallCount() {
    assertThat(SimulatedProvider.countsCalls(PaymentTokens.ERROR)).isTrue();
    assertThat(SimulatedProvider.countsCalls(PaymentTokens.OK)).isFalse();
    assertThat(SimulatedProvider.countsCalls(PaymentTokens.SLOW)).isFalse();
    assertThat(SimulatedProvider.countsCalls(null)).isFalse();
  }

  @Test
  void anUnknownTokenIsDeclinedNamingIt() {
    assertThat(provider.authorize("tok_gold", AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Decline("unknown payment token 'tok_gold'"));
    assertThat(provider.authorize("TOK_OK", AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Decline("unknown payment token 'TOK_OK'"));
    assertThat(provider.authorize(null, AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Decline("no payment token given"));
    assertThat(provider.authorize(" ", AMOUNT, 1))
        .isEqualTo(new ProviderDecision.Decline("no payment token given"));
  }

  @Test
  void aHugeTokenIsCutInTheReason() {
    String token = "x".repeat(10_000);
    ProviderDecision.Decline d = (ProviderDecision.Decline) provider.authorize(token, AMOUNT, 1);
    assertThat(d.reason()).hasSizeLessThan(100).endsWith("...'");
  }

  @Test
  void anUnusableAmountIsDeclinedWhateverTheToken() {
    assertThat(provider.authorize(PaymentTokens.OK, new Money(0, "EUR"), 1))
        .isEqualTo(new ProviderDecision.Decline("amount must be positive, but was 0"));
    assertThat(provider.authorize(PaymentTokens.SLOW, new Money(-5, "EUR"), 1))
        .isEqualTo(new ProviderDecision.Decline("amount must be positive, but was -5"));
    assertThat(provider.authorize(PaymentTokens.OK, new Money(100, "eur"), 1))
        .isEqualTo(
            new ProviderDecision.Decline("currency must be three capital letters, but was 'eur'"));
    assertThat(provider.authorize(PaymentTokens.ERROR, null, 1))
        .isEqualTo(new ProviderDecision.Decline("no amount given"));
  }

  @Test
  void settingsAreChecked() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    assertThatThrownBy(() -> new SimulatedProvider(clock, Duration.ofSeconds(-1), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slow delay");
    assertThatThrownBy(() -> new SimulatedProvider(clock, Duration.ofSeconds(1), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("error failures");
  }
}
