package dev.bazaar.chaos.check;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the services' databases and APIs say after the run, restricted to what this run created (its
 * customers and its products), so that data left by earlier runs on a shared server does not count.
 *
 * @param customers the ids of the customers the run registered
 * @param orders the orders table of the orders service for those customers
 * @param payments the payments of those customers
 * @param products the products the run created, with the stock they started with
 * @param reservations catalog's reservations of the run's orders
 * @param notifications the notifications of those customers that name an order
 * @param unsentOutbox per service, the outbox rows not yet published
 * @param parked every message on a parking queue
 * @param views per order id, what its owner's {@code GET /api/v1/orders/{id}} answered
 */
public record Observed(
    Set<String> customers,
    List<OrderRow> orders,
    List<PaymentRow> payments,
    List<ProductRow> products,
    List<ReservationRow> reservations,
    List<NotificationRow> notifications,
    Map<String, Integer> unsentOutbox,
    List<ParkedRow> parked,
    Map<String, ViewRow> views) {

  /**
   * @param idempotencyKey the key the orders service recorded for it, null when none
   * @param lines product id to quantity
   */
  public record OrderRow(
      String id,
      String customerId,
      String status,
      String reason,
      long totalAmount,
      String currency,
      String idempotencyKey,
      Map<String, Integer> lines) {
    public boolean isFinal() {
      return status.equals("CONFIRMED") || status.equals("CANCELLED");
    }
  }

  public record PaymentRow(
      String id, String orderId, String customerId, String status, Long amount, String currency) {
    /** A payment that holds or may still take the customer's money. */
    public boolean live() {
      return status.equals("AUTHORIZED") || status.equals("PENDING");
    }
  }

  /**
   * @param initialStock the stock the run created the product with
   * @param available the stock the catalog has available now
   */
  public record ProductRow(String id, String name, int initialStock, int available) {}

  /**
   * @param lines product id to quantity the reservation holds or held
   */
  public record ReservationRow(String orderId, String state, Map<String, Integer> lines) {}

  public record NotificationRow(String id, String userId, String orderId, String kind) {}

  public record ParkedRow(String queue, String id, String type, String error) {}

  /**
   * @param httpStatus the status of the owner's GET (0 when it failed)
   * @param status the order status it showed, null when none
   */
  public record ViewRow(int httpStatus, String status, String reason, Long totalAmount) {}
}
