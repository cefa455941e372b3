package dev.bazaar.chaos.check;

import dev.bazaar.chaos.check.Observed.NotificationRow;
import dev.bazaar.chaos.check.Observed.OrderRow;
import dev.bazaar.chaos.check.Observed.ParkedRow;
import dev.bazaar.chaos.check.Observed.PaymentRow;
import dev.bazaar.chaos.check.Observed.ProductRow;
import dev.bazaar.chaos.check.Observed.ReservationRow;
import dev.bazaar.chaos.check.Observed.ViewRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Builds a consistent run (a history and the state it should leave) that tests then spoil in one
 * place: each {@code confirmed}/{@code cancelled} call adds a placed order with its 202, its
 * payment, reservation, notifications and customer view, exactly as a correct system leaves them.
 */
final class RunMother {
  static final String CUSTOMER = "c-1";
  static final String PRODUCT = "p-1";
  static final int INITIAL = 10;

  final List<Op> history = new ArrayList<>();
  final List<OrderRow> orders = new ArrayList<>();
  final List<PaymentRow> payments = new ArrayList<>();
  final List<ReservationRow> reservations = new ArrayList<>();
  final List<NotificationRow> notifications = new ArrayList<>();
  final Map<String, Integer> outbox =
      new LinkedHashMap<>(Map.of("orders", 0, "catalog", 0, "payments", 0));
  final List<ParkedRow> parked = new ArrayList<>();
  final Map<String, ViewRow> views = new LinkedHashMap<>();
  int available = INITIAL;

  private long t;

  private String id() {
    return UUID.randomUUID().toString();
  }

  /** A placed order of {@code qty} units that ended CONFIRMED; returns its id. */
  String confirmed(int qty) {
    String order = placed("CONFIRMED", null, qty);
    payments.add(new PaymentRow(id(), order, CUSTOMER, "AUTHORIZED", 1000L * qty, "EUR"));
    reservations.add(new ReservationRow(order, "COMMITTED", Map.of(PRODUCT, qty)));
    notify(order, "ORDER_CONFIRMED");
    available -= qty;
    return order;
  }

  /** A placed order that was declined by payments; returns its id. */
  String cancelled(int qty) {
    String order = placed("CANCELLED", "PAYMENT_DECLINED", qty);
    payments.add(new PaymentRow(id(), order, CUSTOMER, "DECLINED", 1000L * qty, "EUR"));
    reservations.add(new ReservationRow(order, "RELEASED", Map.of(PRODUCT, qty)));
    notify(order, "ORDER_CANCELLED");
    return order;
  }

  private String placed(String status, String reason, int qty) {
    String key = id();
    String order = id();
    op("place", "invoke", key, null, 0, null);
    op("place", "info", key, null, 504, "gateway timeout");
    op("place", "invoke", key, null, 0, null);
    op("place", "ok", key, order, 202, "PENDING");
    orders.add(
        new OrderRow(
            order, CUSTOMER, status, reason, 1000L * qty, "EUR", key, Map.of(PRODUCT, qty)));
    notify(order, "ORDER_RECEIVED");
    views.put(order, new ViewRow(200, status, reason, 1000L * qty));
    return order;
  }

  void notify(String order, String kind) {
    notifications.add(new NotificationRow(id(), CUSTOMER, order, kind));
  }

  void op(String f, String type, String key, String order, int status, String note) {
    history.add(new Op(history.size(), t++, "w1", f, type, CUSTOMER, key, order, status, note));
  }

  OrderRow order(String id) {
    return orders.stream().filter(o -> o.id().equals(id)).findFirst().orElseThrow();
  }

  void replaceOrder(String id, OrderRow replacement) {
    orders.set(orders.indexOf(order(id)), replacement);
  }

  Verdict check() {
    return Checker.check(
        history,
        new Observed(
            Set.of(CUSTOMER),
            orders,
            payments,
            List.of(new ProductRow(PRODUCT, "kettle", INITIAL, available)),
            reservations,
            notifications,
            outbox,
            parked,
            views));
  }
}
