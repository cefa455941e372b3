package dev.bazaar.orders.domain;

import dev.bazaar.catalog.api.Money;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Lines and orders for domain tests. */
final class OrderMother {

  static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  private OrderMother() {}

  static Line eur(long cents, int quantity) {
    return new Line(UUID.randomUUID(), "Mug", quantity, new Money(cents, "EUR"));
  }

  static Line usd(long cents, int quantity) {
    return new Line(UUID.randomUUID(), "Cap", quantity, new Money(cents, "USD"));
  }

  static Order.Placement placed(List<Line> lines) {
    return Order.place(UUID.randomUUID(), UUID.randomUUID(), lines, NOW);
  }
}
