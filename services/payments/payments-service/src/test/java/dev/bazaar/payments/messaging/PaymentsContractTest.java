package dev.bazaar.payments.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageDescriptor;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.payments.api.RefundPayment;
import org.junit.jupiter.api.Test;

/** What the payments contract declares: replies are payments' events, commands come from orders. */
class PaymentsContractTest {

  @Test
  void everyMessageGoesToPaymentsDotItsType() {
    for (Class<?> type : PaymentsContract.MESSAGES) {
      MessageDescriptor d = MessageDescriptor.of(type);
      assertThat(d.routingKey()).isEqualTo("payments." + d.type());
      assertThat(d.type()).isEqualTo(type.getSimpleName());
    }
  }

  @Test
  void repliesArePaymentsEventsAndCommandsAreOrders() {
    MessageDescriptor authorized = MessageDescriptor.of(PaymentAuthorized.class);
    assertThat(authorized.exchange()).isEqualTo(Exchanges.EVENTS);
    assertThat(authorized.sender()).isEqualTo("payments");
    for (Class<?> command : new Class<?>[] {AuthorizePayment.class, RefundPayment.class}) {
      assertThat(MessageDescriptor.of(command).exchange()).isEqualTo(Exchanges.COMMANDS);
      assertThat(MessageDescriptor.of(command).sender()).isEqualTo("orders");
    }
  }
}
