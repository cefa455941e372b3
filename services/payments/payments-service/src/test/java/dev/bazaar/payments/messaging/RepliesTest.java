package dev.bazaar.payments.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.PaymentRefunded;
import dev.bazaar.payments.api.RefundPayment;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RepliesTest {

  @Test
  void repliesGoToPaymentsDotTheirTypeName() {
    UUID order = UUID.randomUUID();
    assertThat(Replies.routingKey(new PaymentAuthorized(order, order, new Money(1, "EUR"))))
        .isEqualTo("payments.PaymentAuthorized");
    assertThat(Replies.routingKey(new PaymentDeclined(order, order, "x")))
        .isEqualTo("payments.PaymentDeclined");
    assertThat(Replies.routingKey(new PaymentRefunded(order, null, null)))
        .isEqualTo("payments.PaymentRefunded");
  }

  @Test
  void aRecordPaymentsDoesNotOwnIsNotPublished() {
    assertThatThrownBy(() -> Replies.routingKey(new RefundPayment(UUID.randomUUID())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commandTypesAreTheContractRecordsSimpleNames() {
    assertThat(CommandsConsumer.AUTHORIZE_PAYMENT)
        .isEqualTo(AuthorizePayment.class.getSimpleName());
    assertThat(CommandsConsumer.REFUND_PAYMENT).isEqualTo(RefundPayment.class.getSimpleName());
  }
}
