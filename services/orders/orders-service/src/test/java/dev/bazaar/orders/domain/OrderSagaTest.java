package dev.bazaar.orders.domain;

import static dev.bazaar.orders.domain.OrderMother.NOW;
import static dev.bazaar.orders.domain.OrderMother.TIMEOUTS;
import static dev.bazaar.orders.domain.OrderMother.TOKEN;
import static dev.bazaar.orders.domain.OrderMother.at;
import static dev.bazaar.orders.domain.OrderMother.eur;
import static dev.bazaar.orders.domain.OrderMother.next;
import static dev.bazaar.orders.domain.OrderMother.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.CommitStock;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.catalog.api.ReleaseStock;
import dev.bazaar.catalog.api.ReserveStock;
import dev.bazaar.catalog.api.StockLine;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.orders.api.SagaStep;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.RefundPayment;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The saga as message scripts: given this reply in this state, expect these commands and events.
 */
class OrderSagaTest {

  static List<String> steps(Order o) {
    return o.steps().stream().map(s -> s.step() + " " + s.outcome()).toList();
  }

  static List<Class<?>> types(Decision d) {
    return d.events().stream().<Class<?>>map(Object::getClass).toList();
  }

  // ---- placing ----

  @Test
  void placingStartsWithReserveStockOfEveryLineAndAReserveDeadline() {
    UUID id = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    Line mug = eur(1250, 2);
    Line tea = eur(450, 3);
    Decision d = Order.place(id, customer, List.of(mug, tea), TOKEN, NOW, TIMEOUTS);
    assertThat(d.commands())
        .containsExactly(
            new ReserveStock(
                id, List.of(new StockLine(mug.productId(), 2), new StockLine(tea.productId(), 3))));
    Order o = Order.replay(id, d.events());
    assertThat(o.status()).isEqualTo(Order.Status.PENDING);
    assertThat(o.phase()).isEqualTo(Order.Phase.RESERVING);
    assertThat(o.total()).isEqualTo(new Money(2500 + 1350, "EUR"));
    assertThat(o.deadline()).isEqualTo(NOW.plusSeconds(10));
    assertThat(o.version()).isEqualTo(1);
    assertThat(o.steps()).containsExactly(new SagaStep("RESERVE_STOCK", "STARTED", NOW));
    assertThat(o.reason()).isNull();
  }

  @Test
  void mixedCurrenciesAreRejectedNamingTheOddProduct() {
    Line cap = usd(1500, 1);
    assertThatThrownBy(
            () ->
                Order.place(
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    List.of(eur(1250, 1), cap),
                    TOKEN,
                    NOW,
                    TIMEOUTS))
        .isInstanceOf(OrderRejectedException.class)
        .hasMessageContaining("product " + cap.productId() + " is priced in USD");
  }

  @Test
  void aTotalThatOverflowsIsRejected() {
    assertThatThrownBy(
            () ->
                Order.place(
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    List.of(eur(Long.MAX_VALUE / 2, 1), eur(Long.MAX_VALUE / 2, 2)),
                    TOKEN,
                    NOW,
                    TIMEOUTS))
        .isInstanceOf(OrderRejectedException.class);
  }

  // ---- happy path ----

  @Test
  void stockReservedAuthorizesTheTotalWithTheToken() {
    Order o = OrderMother.reserving();
    Decision d = o.onStockReserved(at(1), TIMEOUTS);
    assertThat(d.commands())
        .containsExactly(new AuthorizePayment(o.id(), o.customerId(), o.total(), TOKEN));
    Order after = o.with(d.events());
    assertThat(after.phase()).isEqualTo(Order.Phase.AUTHORIZING);
    assertThat(after.deadline()).isEqualTo(at(1).plusSeconds(15));
    assertThat(steps(after))
        .containsExactly(
            "RESERVE_STOCK STARTED", "RESERVE_STOCK SUCCEEDED", "AUTHORIZE_PAYMENT STARTED");
  }

  @Test
  void paymentAuthorizedCommitsTheStock() {
    Order o = OrderMother.authorizing();
    Decision d = o.onPaymentAuthorized(UUID.randomUUID(), at(2), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new CommitStock(o.id()));
    Order after = o.with(d.events());
    assertThat(after.phase()).isEqualTo(Order.Phase.COMMITTING);
    assertThat(after.deadline()).isEqualTo(at(2).plusSeconds(10));
  }

  @Test
  void stockCommittedConfirms() {
    Order o = OrderMother.committing();
    Decision d = o.onStockCommitted(at(3));
    assertThat(d.commands()).isEmpty();
    assertThat(types(d))
        .containsExactly(OrderEvent.StockCommitted.class, OrderEvent.Confirmed.class);
    Order after = o.with(d.events());
    assertThat(after.status()).isEqualTo(Order.Status.CONFIRMED);
    assertThat(after.deadline()).isNull();
    assertThat(after.reason()).isNull();
    assertThat(steps(after))
        .containsExactly(
            "RESERVE_STOCK STARTED",
            "RESERVE_STOCK SUCCEEDED",
            "AUTHORIZE_PAYMENT STARTED",
            "AUTHORIZE_PAYMENT SUCCEEDED",
            "COMMIT_STOCK STARTED",
            "COMMIT_STOCK SUCCEEDED");
  }

  // ---- failures and compensations ----

  @Test
  void stockRejectedCancelsOutOfStockWithNothingToCompensate() {
    Order o = OrderMother.reserving();
    Decision d = o.onStockRejected(CatalogContract.REASON_OUT_OF_STOCK, at(1), TIMEOUTS);
    assertThat(d.commands()).isEmpty();
    Order after = o.with(d.events());
    assertThat(after.status()).isEqualTo(Order.Status.CANCELLED);
    assertThat(after.reason()).isEqualTo(OrdersContract.REASON_OUT_OF_STOCK);
    assertThat(after.deadline()).isNull();
    assertThat(steps(after)).containsExactly("RESERVE_STOCK STARTED", "RESERVE_STOCK FAILED");
  }

  @Test
  void paymentDeclinedReleasesStockAndCancelsOnlyAfterStockReleased() {
    Order o = OrderMother.authorizing();
    Decision d = o.onPaymentDeclined("card declined", at(2), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new ReleaseStock(o.id()));
    Order compensating = o.with(d.events());
    assertThat(compensating.status()).isEqualTo(Order.Status.PENDING);
    assertThat(compensating.phase()).isEqualTo(Order.Phase.COMPENSATING);
    assertThat(compensating.reason()).isEqualTo(OrdersContract.REASON_PAYMENT_DECLINED);
    assertThat(compensating.deadline()).isEqualTo(at(2).plusSeconds(30));

    Decision released = compensating.onStockReleased(at(3));
    assertThat(released.commands()).isEmpty();
    Order cancelled = compensating.with(released.events());
    assertThat(cancelled.status()).isEqualTo(Order.Status.CANCELLED);
    assertThat(cancelled.reason()).isEqualTo(OrdersContract.REASON_PAYMENT_DECLINED);
    assertThat(steps(cancelled))
        .containsSubsequence(
            "AUTHORIZE_PAYMENT FAILED", "RELEASE_STOCK STARTED", "RELEASE_STOCK SUCCEEDED");
    assertThat(types(released)).last().isEqualTo(OrderEvent.Cancelled.class);
  }

  @Test
  void expiredReservationAtCommitRefundsAndCancelsTimedOutAfterPaymentRefunded() {
    Order o = OrderMother.committing();
    Decision d = o.onStockRejected(CatalogContract.REASON_RESERVATION_EXPIRED, at(3), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new RefundPayment(o.id()));
    Order compensating = o.with(d.events());
    assertThat(compensating.status()).isEqualTo(Order.Status.PENDING);
    assertThat(compensating.releasePending()).isFalse();
    assertThat(compensating.refundPending()).isTrue();
    // A StockReleased does not fit: nothing was to be released.
    assertThat(compensating.onStockReleased(at(4)).changesOrder()).isFalse();
    Order cancelled = next(compensating, c -> c.onPaymentRefunded(at(4)));
    assertThat(cancelled.status()).isEqualTo(Order.Status.CANCELLED);
    assertThat(cancelled.reason()).isEqualTo(OrdersContract.REASON_TIMED_OUT);
    assertThat(steps(cancelled))
        .containsSubsequence(
            "COMMIT_STOCK FAILED", "REFUND_PAYMENT STARTED", "REFUND_PAYMENT SUCCEEDED");
  }

  @Test
  void withTwoCompensationsTheOrderIsCancelledOnlyAfterBoth() {
    Order o = OrderMother.cancelling();
    Order released = next(o, c -> c.onStockReleased(at(4)));
    assertThat(released.status()).isEqualTo(Order.Status.PENDING);
    Order both = next(released, c -> c.onPaymentRefunded(at(5)));
    assertThat(both.status()).isEqualTo(Order.Status.CANCELLED);
    // The other order of acknowledgements ends the same way.
    Order refundedFirst =
        next(next(o, c -> c.onPaymentRefunded(at(4))), c -> c.onStockReleased(at(5)));
    assertThat(refundedFirst.status()).isEqualTo(Order.Status.CANCELLED);
    assertThat(refundedFirst.reason()).isEqualTo(OrdersContract.REASON_CANCELLED_BY_CUSTOMER);
  }

  // ---- deadlines ----

  @Test
  void missedReserveDeadlineReleasesStockOnlyAndTimesOut() {
    Order o = OrderMother.reserving();
    assertThatThrownBy(() -> o.deadlinePassed(NOW.plusSeconds(9), TIMEOUTS))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("not due");
    Decision d = o.deadlinePassed(NOW.plusSeconds(10), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new ReleaseStock(o.id()));
    Order after = o.with(d.events());
    assertThat(after.status()).isEqualTo(Order.Status.PENDING);
    assertThat(after.reason()).isEqualTo(OrdersContract.REASON_TIMED_OUT);
    assertThat(steps(after))
        .containsExactly(
            "RESERVE_STOCK STARTED", "RESERVE_STOCK TIMED_OUT", "RELEASE_STOCK STARTED");
    Order cancelled = next(after, c -> c.onStockReleased(at(11)));
    assertThat(cancelled.status()).isEqualTo(Order.Status.CANCELLED);
    assertThat(cancelled.reason()).isEqualTo(OrdersContract.REASON_TIMED_OUT);
  }

  @Test
  void missedPaymentDeadlineReleasesAndRefunds() {
    Order o = OrderMother.authorizing();
    Decision d = o.deadlinePassed(at(1).plusSeconds(15), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new ReleaseStock(o.id()), new RefundPayment(o.id()));
    assertThat(steps(o.with(d.events()))).contains("AUTHORIZE_PAYMENT TIMED_OUT");
  }

  @Test
  void missedCommitDeadlineReleasesAndRefunds() {
    Order o = OrderMother.committing();
    Decision d = o.deadlinePassed(at(2).plusSeconds(10), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new ReleaseStock(o.id()), new RefundPayment(o.id()));
    assertThat(steps(o.with(d.events()))).contains("COMMIT_STOCK TIMED_OUT");
  }

  @Test
  void unansweredCompensationsAreSentAgainAfterTheirDeadline() {
    Order o = OrderMother.cancelling();
    Order released = next(o, c -> c.onStockReleased(at(4)));
    Decision d = released.deadlinePassed(at(3).plusSeconds(30), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new RefundPayment(o.id()));
    Order after = released.with(d.events());
    assertThat(after.deadline()).isEqualTo(at(3).plusSeconds(60));
    assertThat(steps(after)).endsWith("REFUND_PAYMENT RETRIED");
  }

  @Test
  void ordersThatWaitForNothingHaveNoDeadline() {
    for (Order o :
        List.of(
            OrderMother.confirmed(), OrderMother.outOfStock(), OrderMother.cancelledByCustomer())) {
      assertThat(o.deadline()).isNull();
      assertThatThrownBy(() -> o.deadlinePassed(at(1000), TIMEOUTS))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("waits for no reply")
          .satisfies(
              e -> assertThat(((IllegalTransitionException) e).phase()).isEqualTo(o.phase()));
    }
  }

  // ---- cancel in every state ----

  @Test
  void cancelWhileReservingReleasesStockOnly() {
    Order o = OrderMother.reserving();
    Decision d = o.cancel(at(1), TIMEOUTS);
    assertThat(d.commands()).containsExactly(new ReleaseStock(o.id()));
    Order after = o.with(d.events());
    assertThat(after.status()).isEqualTo(Order.Status.PENDING);
    assertThat(steps(after)).endsWith("CANCEL REQUESTED", "RELEASE_STOCK STARTED");
    assertThat(next(after, c -> c.onStockReleased(at(2))).reason())
        .isEqualTo(OrdersContract.REASON_CANCELLED_BY_CUSTOMER);
  }

  @Test
  void cancelOncePaymentWasAskedForReleasesAndRefunds() {
    for (Order o : List.of(OrderMother.authorizing(), OrderMother.committing())) {
      Decision d = o.cancel(at(5), TIMEOUTS);
      assertThat(d.commands()).containsExactly(new ReleaseStock(o.id()), new RefundPayment(o.id()));
      assertThat(o.with(d.events()).reason())
          .isEqualTo(OrdersContract.REASON_CANCELLED_BY_CUSTOMER);
    }
  }

  @Test
  void cancelAgainWhileCancellingChangesNothing() {
    Decision d = OrderMother.cancelling().cancel(at(9), TIMEOUTS);
    assertThat(d.changesOrder()).isFalse();
    assertThat(d.commands()).isEmpty();
  }

  @Test
  void cancelThrowsOnceConfirmedCancelledOrCompensatingForAnotherReason() {
    assertThatThrownBy(() -> OrderMother.confirmed().cancel(at(9), TIMEOUTS))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("already CONFIRMED");
    assertThatThrownBy(() -> OrderMother.outOfStock().cancel(at(9), TIMEOUTS))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("already CANCELLED (OUT_OF_STOCK)");
    assertThatThrownBy(() -> OrderMother.cancelledByCustomer().cancel(at(9), TIMEOUTS))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("already CANCELLED");
    assertThatThrownBy(() -> OrderMother.declined().cancel(at(9), TIMEOUTS))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("already being cancelled (PAYMENT_DECLINED)")
        .satisfies(
            e ->
                assertThat(((IllegalTransitionException) e).phase())
                    .isEqualTo(Order.Phase.COMPENSATING));
  }

  // ---- late and duplicate replies ----

  @Test
  void lateStockReservedForACancelledOrCancellingOrderReleasesAgain() {
    for (Order o : List.of(OrderMother.cancelledByCustomer(), OrderMother.cancelling())) {
      Decision d = o.onStockReserved(at(20), TIMEOUTS);
      assertThat(d.changesOrder()).isFalse();
      assertThat(d.ignored()).contains("late StockReserved");
      assertThat(d.commands()).containsExactly(new ReleaseStock(o.id()));
    }
  }

  @Test
  void latePaymentAuthorizedForACancelledOrCancellingOrderRefundsAgain() {
    for (Order o :
        List.of(
            OrderMother.cancelledByCustomer(), OrderMother.cancelling(), OrderMother.declined())) {
      Decision d = o.onPaymentAuthorized(UUID.randomUUID(), at(20), TIMEOUTS);
      assertThat(d.changesOrder()).isFalse();
      assertThat(d.commands()).containsExactly(new RefundPayment(o.id()));
    }
  }

  /** Every reply in every state where it does not fit: no event, no command, no exception. */
  @Test
  void repliesThatDoNotFitChangeNothing() {
    List<Function<Order, Decision>> stockReserved =
        List.of(o -> o.onStockReserved(at(30), TIMEOUTS));
    record Case(String name, Function<Order, Decision> reply, List<Order> states) {}
    List<Case> cases =
        List.of(
            new Case(
                "StockReserved",
                stockReserved.get(0),
                List.of(
                    OrderMother.authorizing(), OrderMother.committing(), OrderMother.confirmed())),
            new Case(
                "StockRejected",
                o -> o.onStockRejected(CatalogContract.REASON_OUT_OF_STOCK, at(30), TIMEOUTS),
                List.of(
                    OrderMother.authorizing(),
                    OrderMother.committing(),
                    OrderMother.confirmed(),
                    OrderMother.outOfStock(),
                    OrderMother.cancelling())),
            new Case(
                "StockRejected(RESERVATION_EXPIRED)",
                o ->
                    o.onStockRejected(CatalogContract.REASON_RESERVATION_EXPIRED, at(30), TIMEOUTS),
                List.of(OrderMother.confirmed(), OrderMother.cancelledByCustomer())),
            new Case(
                "PaymentAuthorized",
                o -> o.onPaymentAuthorized(UUID.randomUUID(), at(30), TIMEOUTS),
                List.of(
                    OrderMother.reserving(), OrderMother.committing(), OrderMother.confirmed())),
            new Case(
                "PaymentDeclined",
                o -> o.onPaymentDeclined("declined", at(30), TIMEOUTS),
                List.of(
                    OrderMother.reserving(),
                    OrderMother.committing(),
                    OrderMother.confirmed(),
                    OrderMother.declined(),
                    OrderMother.cancelledByCustomer())),
            new Case(
                "StockCommitted",
                o -> o.onStockCommitted(at(30)),
                List.of(
                    OrderMother.reserving(),
                    OrderMother.authorizing(),
                    OrderMother.confirmed(),
                    OrderMother.cancelling(),
                    OrderMother.cancelledByCustomer())),
            new Case(
                "StockReleased",
                o -> o.onStockReleased(at(30)),
                List.of(
                    OrderMother.reserving(),
                    OrderMother.committing(),
                    OrderMother.confirmed(),
                    OrderMother.outOfStock(),
                    OrderMother.cancelledByCustomer(),
                    next(OrderMother.cancelling(), o -> o.onStockReleased(at(4))))),
            new Case(
                "PaymentRefunded",
                o -> o.onPaymentRefunded(at(30)),
                List.of(
                    OrderMother.authorizing(),
                    OrderMother.confirmed(),
                    OrderMother.declined(),
                    OrderMother.cancelledByCustomer(),
                    next(OrderMother.cancelling(), o -> o.onPaymentRefunded(at(4))))));
    for (Case c : cases) {
      for (Order state : c.states()) {
        Decision d = c.reply().apply(state);
        assertThat(d.events()).as(c.name() + " while " + state.phase()).isEmpty();
        assertThat(d.commands()).as(c.name() + " while " + state.phase()).isEmpty();
        assertThat(d.ignored()).as(c.name() + " while " + state.phase()).isNotBlank();
      }
    }
  }

  @Test
  void replayingEventsOutOfSagaOrderIsRefused() {
    Order o = OrderMother.reserving();
    List<OrderEvent> bad =
        List.of(new OrderEvent.PaymentAuthorized(UUID.randomUUID(), at(1), at(2)));
    assertThatThrownBy(() -> o.with(bad))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PaymentAuthorized")
        .hasMessageContaining("RESERVING");
  }

  @Test
  void aMigratedOrderIsConfirmedWithNothingToDo() {
    UUID id = UUID.randomUUID();
    Order o =
        Order.replay(
            id, List.of(new OrderEvent.Migrated(UUID.randomUUID(), List.of(eur(100, 1)), NOW)));
    assertThat(o.status()).isEqualTo(Order.Status.CONFIRMED);
    assertThat(o.deadline()).isNull();
    assertThatThrownBy(() -> o.cancel(at(1), TIMEOUTS))
        .isInstanceOf(IllegalTransitionException.class);
  }
}
