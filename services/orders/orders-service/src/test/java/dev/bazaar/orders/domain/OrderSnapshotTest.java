package dev.bazaar.orders.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.chassis.inbox.PoisonMessageException;
import dev.bazaar.orders.saga.RepliesConsumer;
import dev.bazaar.payments.api.PaymentAuthorized;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The order a reply works on is restored from its row's snapshot, not replayed: the snapshot must
 * restore exactly the order its events describe, in every phase.
 */
class OrderSnapshotTest {

  @Test
  void aRestoredOrderIsTheOrderItsEventsDescribeInEveryPhase() {
    List<Supplier<Order>> phases =
        List.of(
            OrderMother::reserving,
            OrderMother::authorizing,
            OrderMother::committing,
            OrderMother::confirmed,
            OrderMother::outOfStock,
            OrderMother::declined,
            OrderMother::cancelling,
            OrderMother::cancelledByCustomer);
    for (Supplier<Order> phase : phases) {
      Order order = phase.get();
      Order restored = Order.restore(order.id(), order.snapshot());
      assertThat(restored.snapshot()).isEqualTo(order.snapshot());
      assertThat(restored.version()).isEqualTo(order.version());
      assertThat(restored.total()).isEqualTo(order.total());
      assertThat(restored.steps()).isEqualTo(order.steps());
    }
  }

  @Test
  void aRestoredOrderDecidesAsTheReplayedOneAndWithLeavesTheOriginalAlone() {
    Order authorizing = OrderMother.authorizing();
    Order restored = Order.restore(authorizing.id(), authorizing.snapshot());
    UUID payment = UUID.randomUUID();
    Decision fromReplay =
        authorizing.onPaymentAuthorized(payment, OrderMother.at(2), OrderMother.TIMEOUTS);
    Decision fromSnapshot =
        restored.onPaymentAuthorized(payment, OrderMother.at(2), OrderMother.TIMEOUTS);
    assertThat(fromSnapshot.events()).isEqualTo(fromReplay.events());
    assertThat(fromSnapshot.commands()).isEqualTo(fromReplay.commands());
    Order next = restored.with(fromSnapshot.events());
    assertThat(next.phase()).isEqualTo(Order.Phase.COMMITTING);
    assertThat(next.version()).isEqualTo(restored.version() + fromSnapshot.events().size());
    assertThat(restored.phase()).isEqualTo(Order.Phase.AUTHORIZING);
  }

  @Test
  void aPaymentForAnotherAmountOrCurrencyIsPoisonAndTheExactOneIsAccepted() {
    Order order = OrderMother.authorizing();
    Money total = order.total();
    assertThatThrownBy(
            () ->
                RepliesConsumer.requireAmount(
                    order,
                    new PaymentAuthorized(order.id(), UUID.randomUUID(), new Money(1, "EUR"))))
        .isInstanceOf(PoisonMessageException.class)
        .hasMessageContaining("order's total");
    assertThatThrownBy(
            () ->
                RepliesConsumer.requireAmount(
                    order,
                    new PaymentAuthorized(
                        order.id(), UUID.randomUUID(), new Money(total.amount(), "USD"))))
        .isInstanceOf(PoisonMessageException.class);
    RepliesConsumer.requireAmount(
        order, new PaymentAuthorized(order.id(), UUID.randomUUID(), total));
  }
}
