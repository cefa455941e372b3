package dev.bazaar.orders.domain;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Lines, timeouts and orders in every saga state, for domain tests. */
final class OrderMother {

  static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
  static final SagaTimeouts TIMEOUTS =
      new SagaTimeouts(
          Duration.ofSeconds(10),
          Duration.ofSeconds(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30));
  static final String TOKEN = "tok_ok";

  private OrderMother() {}

  static Line eur(long cents, int quantity) {
    return new Line(UUID.randomUUID(), "Mug", quantity, new Money(cents, "EUR"));
  }

  static Line usd(long cents, int quantity) {
    return new Line(UUID.randomUUID(), "Cap", quantity, new Money(cents, "USD"));
  }

  static Instant at(int seconds) {
    return NOW.plusSeconds(seconds);
  }

  /** A new order with two EUR lines, waiting for StockReserved. */
  static Order reserving() {
    UUID id = UUID.randomUUID();
    return Order.replay(
        id,
        Order.place(id, UUID.randomUUID(), List.of(eur(1250, 2), eur(450, 3)), TOKEN, NOW, TIMEOUTS)
            .events());
  }

  static Order authorizing() {
    return next(reserving(), o -> o.onStockReserved(at(1), TIMEOUTS));
  }

  static Order committing() {
    return next(authorizing(), o -> o.onPaymentAuthorized(UUID.randomUUID(), at(2), TIMEOUTS));
  }

  static Order confirmed() {
    return next(committing(), o -> o.onStockCommitted(at(3)));
  }

  static Order outOfStock() {
    return next(
        reserving(), o -> o.onStockRejected(CatalogContract.REASON_OUT_OF_STOCK, at(1), TIMEOUTS));
  }

  /** Declined: compensating, waiting for StockReleased. */
  static Order declined() {
    return next(authorizing(), o -> o.onPaymentDeclined("card declined", at(2), TIMEOUTS));
  }

  /** Cancelled by the customer while committing: waiting for StockReleased and PaymentRefunded. */
  static Order cancelling() {
    return next(committing(), o -> o.cancel(at(3), TIMEOUTS));
  }

  static Order cancelledByCustomer() {
    return next(next(cancelling(), o -> o.onStockReleased(at(4))), o -> o.onPaymentRefunded(at(5)));
  }

  static Order next(Order order, java.util.function.Function<Order, Decision> step) {
    return order.with(step.apply(order).events());
  }
}
