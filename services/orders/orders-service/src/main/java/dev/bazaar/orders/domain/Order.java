package dev.bazaar.orders.domain;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.orders.api.OrderLine;
import dev.bazaar.orders.api.OrderPlaced;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A customer's order: priced lines in one currency and their total. Placing it raises {@link
 * OrderPlaced}. A later step turns this into an event-sourced aggregate driven by the order saga;
 * for now an order is placed once and then only read.
 */
public final class Order {

  public static final int MAX_LINES = 50;

  /** Where an order is in its life. */
  public enum Status {
    PLACED
  }

  /** A newly placed order and the event its placing raised. */
  public record Placement(Order order, OrderPlaced event) {}

  private final UUID id;
  private final UUID customerId;
  private final Status status;
  private final List<Line> lines;
  private final Money total;
  private final Instant createdAt;

  private Order(UUID id, UUID customerId, Status status, List<Line> lines, Instant createdAt) {
    if (id == null || customerId == null || status == null || createdAt == null) {
      throw new IllegalArgumentException("an order needs an id, a customer, a status and a time");
    }
    if (lines == null || lines.isEmpty() || lines.size() > MAX_LINES) {
      throw new IllegalArgumentException(
          "an order must have between 1 and "
              + MAX_LINES
              + " lines, but had "
              + (lines == null ? 0 : lines.size()));
    }
    Set<UUID> products = new HashSet<>();
    String currency = lines.get(0).unitPrice().currency();
    long sum = 0;
    for (Line line : lines) {
      if (!products.add(line.productId())) {
        throw new IllegalArgumentException(
            "product " + line.productId() + " appears on more than one line");
      }
      if (!line.unitPrice().currency().equals(currency)) {
        throw new OrderRejectedException(
            "currency-mismatch",
            "an order must be in one currency, but product "
                + line.productId()
                + " is priced in "
                + line.unitPrice().currency()
                + " and the order in "
                + currency);
      }
      try {
        sum = Math.addExact(sum, line.lineTotal().amount());
      } catch (ArithmeticException e) {
        throw new OrderRejectedException("total-too-large", "the order total is too large");
      }
    }
    this.id = id;
    this.customerId = customerId;
    this.status = status;
    this.lines = List.copyOf(lines);
    this.total = new Money(sum, currency);
    this.createdAt = createdAt;
  }

  /**
   * Places an order from lines already priced by the catalog.
   *
   * @throws OrderRejectedException when the lines mix currencies or the total overflows
   */
  public static Placement place(UUID id, UUID customerId, List<Line> lines, Instant at) {
    Order order = new Order(id, customerId, Status.PLACED, lines, at);
    OrderPlaced event =
        new OrderPlaced(
            order.id, order.customerId, order.contractLines(), order.total, order.createdAt);
    return new Placement(order, event);
  }

  /** Rebuilds an order that was placed earlier, from what was stored. */
  public static Order restore(
      UUID id, UUID customerId, Status status, List<Line> lines, Instant createdAt) {
    return new Order(id, customerId, status, lines, createdAt);
  }

  /** The lines as the contract describes them, with each line's total. */
  public List<OrderLine> contractLines() {
    return lines.stream()
        .map(
            l -> new OrderLine(l.productId(), l.name(), l.quantity(), l.unitPrice(), l.lineTotal()))
        .toList();
  }

  public UUID id() {
    return id;
  }

  public UUID customerId() {
    return customerId;
  }

  public Status status() {
    return status;
  }

  public List<Line> lines() {
    return lines;
  }

  public Money total() {
    return total;
  }

  public Instant createdAt() {
    return createdAt;
  }
}
