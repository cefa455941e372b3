package dev.bazaar.orders.api;

/** Broker names of the orders service. */
public final class OrdersContract {

  /** Routing key of {@link OrderPlaced} on the {@code bazaar.events} exchange. */
  public static final String ORDER_PLACED = "orders.OrderPlaced";

  /** Message type of {@link OrderPlaced}. */
  public static final String ORDER_PLACED_TYPE = "OrderPlaced";

  public static final int ORDER_PLACED_VERSION = 1;

  private OrdersContract() {}
}
