package dev.bazaar.orders.api;

import java.util.List;

/** Broker names of the orders service. */
public final class OrdersContract {

  /** Routing key of {@link OrderPlaced} on the {@code bazaar.events} exchange. */
  public static final String ORDER_PLACED = "orders.OrderPlaced";

  /** Message type of {@link OrderPlaced}. */
  public static final String ORDER_PLACED_TYPE = "OrderPlaced";

  public static final int ORDER_PLACED_VERSION = 1;

  /** Routing key of {@link OrderConfirmed}; type {@code OrderConfirmed}. */
  public static final String ORDER_CONFIRMED = "orders.OrderConfirmed";

  /** Routing key of {@link OrderCancelled}; type {@code OrderCancelled}. */
  public static final String ORDER_CANCELLED = "orders.OrderCancelled";

  /** Schema version of OrderConfirmed and OrderCancelled. */
  public static final int OUTCOME_VERSION = 1;

  /** The queue the saga's replies (catalog's and payments' events) arrive on. */
  public static final String REPLIES_QUEUE = "orders.replies";

  public static final String STATUS_PENDING = "PENDING";
  public static final String STATUS_CONFIRMED = "CONFIRMED";
  public static final String STATUS_CANCELLED = "CANCELLED";

  public static final String REASON_OUT_OF_STOCK = "OUT_OF_STOCK";
  public static final String REASON_PAYMENT_DECLINED = "PAYMENT_DECLINED";
  public static final String REASON_TIMED_OUT = "TIMED_OUT";
  public static final String REASON_CANCELLED_BY_CUSTOMER = "CANCELLED_BY_CUSTOMER";

  /** Every message record of this contract. */
  public static final List<Class<?>> MESSAGES =
      List.of(OrderPlaced.class, OrderConfirmed.class, OrderCancelled.class);

  private OrdersContract() {}
}
