package dev.bazaar.payments.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.PaymentRefunded;
import dev.bazaar.payments.api.PaymentTokens;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PaymentTest {

  static final Instant NOW = Instant.parse("2026-11-25T14:00:00Z");
  static final Money AMOUNT = new Money(3750, "EUR");

  final UUID paymentId = UUID.randomUUID();
  final UUID orderId = UUID.randomUUID();
  final UUID customerId = UUID.randomUUID();

  AuthorizePayment command(String token) {
    return new AuthorizePayment(orderId, customerId, AMOUNT, token);
  }

  Payment authorized() {
    return Payment.start(paymentId, command(PaymentTokens.OK), new ProviderDecision.Authorize())
        .payment();
  }

  Payment pending() {
    return Payment.start(
            paymentId,
            command(PaymentTokens.SLOW),
            new ProviderDecision.Pending(NOW.plusSeconds(3)))
        .payment();
  }

  @Test
  void anAuthorizedStartChargesAndReplies() {
    Payment.Change c =
        Payment.start(paymentId, command(PaymentTokens.OK), new ProviderDecision.Authorize());
    assertThat(c.payment().status()).isEqualTo(PaymentStatus.AUTHORIZED);
    assertThat(c.payment().customerId()).isEqualTo(customerId);
    assertThat(c.payment().amount()).isEqualTo(AMOUNT);
    assertThat(c.replies()).containsExactly(new PaymentAuthorized(orderId, paymentId, AMOUNT));
  }

  @Test
  void aDeclinedStartRecordsTheReason() {
    Payment.Change c =
        Payment.start(
            paymentId, command(PaymentTokens.DECLINED), new ProviderDecision.Decline("no funds"));
    assertThat(c.payment().status()).isEqualTo(PaymentStatus.DECLINED);
    assertThat(c.payment().reason()).isEqualTo("no funds");
    assertThat(c.replies()).containsExactly(new PaymentDeclined(orderId, paymentId, "no funds"));
  }

  @Test
  void aPendingStartRepliesNothingYet() {
    Payment.Change c =
        Payment.start(
            paymentId,
            command(PaymentTokens.SLOW),
            new ProviderDecision.Pending(NOW.plusSeconds(3)));
    assertThat(c.payment().status()).isEqualTo(PaymentStatus.PENDING);
    assertThat(c.payment().decideAt()).isEqualTo(NOW.plusSeconds(3));
    assertThat(c.replies()).isEmpty();
    assertThat(c.payment().status().visible()).isFalse();
  }

  @Test
  void aCommandWithoutIdsIsRejected() {
    assertThatThrownBy(
            () ->
                Payment.start(
                    paymentId,
                    new AuthorizePayment(null, customerId, AMOUNT, PaymentTokens.OK),
                    new ProviderDecision.Authorize()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no orderId");
    assertThatThrownBy(
            () ->
                Payment.start(
                    paymentId,
                    new AuthorizePayment(orderId, null, AMOUNT, PaymentTokens.OK),
                    new ProviderDecision.Authorize()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no customerId");
  }

  @Test
  void aPendingPaymentCompletesOnlyWhenDue() {
    Payment p = pending();
    assertThat(p.dueAt(NOW.plusSeconds(2))).isFalse();
    assertThatThrownBy(() -> p.complete(NOW.plusSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not due");
    assertThat(p.dueAt(NOW.plusSeconds(3))).isTrue();
    Payment.Change c = p.complete(NOW.plusSeconds(3));
    assertThat(c.payment().status()).isEqualTo(PaymentStatus.AUTHORIZED);
    assertThat(c.payment().decideAt()).isNull();
    assertThat(c.replies()).containsExactly(new PaymentAuthorized(orderId, paymentId, AMOUNT));
  }

  @Test
  void onlyAPendingPaymentCompletes() {
    assertThatThrownBy(() -> authorized().complete(NOW))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is AUTHORIZED");
  }

  @Test
  void authorizingAgainNeverChargesTwiceAndRepeatsTheOutcome() {
    Payment p = authorized();
    Payment.Change again = p.authorizeAgain(command(PaymentTokens.DECLINED));
    assertThat(again.payment()).isEqualTo(p);
    assertThat(again.replies()).containsExactly(new PaymentAuthorized(orderId, paymentId, AMOUNT));

    Payment declined =
        Payment.start(paymentId, command("tok_x"), new ProviderDecision.Decline("why")).payment();
    assertThat(declined.authorizeAgain(command(PaymentTokens.OK)).replies())
        .containsExactly(new PaymentDeclined(orderId, paymentId, "why"));

    Payment pending = pending();
    Payment.Change whilePending = pending.authorizeAgain(command(PaymentTokens.SLOW));
    assertThat(whilePending.payment()).isEqualTo(pending);
    assertThat(whilePending.replies()).isEmpty();
  }

  @Test
  void authorizingARefundedPaymentDeclinesWithoutCharging() {
    Payment refunded = authorized().refund().payment();
    Payment.Change again = refunded.authorizeAgain(command(PaymentTokens.OK));
    assertThat(again.payment()).isEqualTo(refunded);
    assertThat(again.replies())
        .containsExactly(new PaymentDeclined(orderId, paymentId, "payment was refunded"));
  }

  @Test
  void authorizingAnotherOrderIsABug() {
    assertThatThrownBy(
            () ->
                authorized()
                    .authorizeAgain(
                        new AuthorizePayment(
                            UUID.randomUUID(), customerId, AMOUNT, PaymentTokens.OK)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refundingAnAuthorizedPaymentRefundsItOnce() {
    Payment.Change first = authorized().refund();
    assertThat(first.payment().status()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(first.replies()).containsExactly(new PaymentRefunded(orderId, paymentId, AMOUNT));
    Payment.Change second = first.payment().refund();
    assertThat(second.payment()).isEqualTo(first.payment());
    assertThat(second.replies()).containsExactly(new PaymentRefunded(orderId, paymentId, AMOUNT));
  }

  @Test
  void refundingADeclinedPaymentRefundsNothing() {
    Payment declined =
        Payment.start(paymentId, command(PaymentTokens.DECLINED), new ProviderDecision.Decline("x"))
            .payment();
    Payment.Change c = declined.refund();
    assertThat(c.payment()).isEqualTo(declined);
    assertThat(c.replies()).containsExactly(new PaymentRefunded(orderId, null, null));
  }

  @Test
  void aRefundBeforeAnyAuthorizationDeclinesTheLaterOne() {
    Payment.Change marker = Payment.voided(paymentId, orderId);
    assertThat(marker.payment().status()).isEqualTo(PaymentStatus.VOIDED);
    assertThat(marker.payment().status().visible()).isFalse();
    assertThat(marker.replies()).containsExactly(new PaymentRefunded(orderId, null, null));

    assertThat(marker.payment().refund().replies())
        .containsExactly(new PaymentRefunded(orderId, null, null));

    Payment.Change late = marker.payment().authorizeAgain(command(PaymentTokens.OK));
    assertThat(late.payment().status()).isEqualTo(PaymentStatus.DECLINED);
    assertThat(late.payment().customerId()).isEqualTo(customerId);
    assertThat(late.payment().reason()).isEqualTo("order was refunded before authorization");
    assertThat(late.replies())
        .containsExactly(
            new PaymentDeclined(orderId, paymentId, "order was refunded before authorization"));
  }

  @Test
  void aRefundWhilePendingMeansThePaymentIsNeverCharged() {
    Payment.Change c = pending().refund();
    assertThat(c.payment().status()).isEqualTo(PaymentStatus.DECLINED);
    assertThat(c.payment().decideAt()).isNull();
    assertThat(c.replies())
        .containsExactly(
            new PaymentDeclined(orderId, paymentId, "order was refunded before authorization"),
            new PaymentRefunded(orderId, null, null));
    assertThat(c.payment().dueAt(NOW.plusSeconds(60))).isFalse();
    assertThatThrownBy(() -> c.payment().complete(NOW.plusSeconds(60)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void onlyAPendingPaymentHasADeadline() {
    assertThatThrownBy(
            () ->
                new Payment(
                    paymentId,
                    orderId,
                    customerId,
                    AMOUNT,
                    PaymentTokens.SLOW,
                    PaymentStatus.PENDING,
                    null,
                    null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
