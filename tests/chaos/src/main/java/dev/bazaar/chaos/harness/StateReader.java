package dev.bazaar.chaos.harness;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bazaar.chaos.check.Observed;
import dev.bazaar.chaos.check.Observed.NotificationRow;
import dev.bazaar.chaos.check.Observed.OrderRow;
import dev.bazaar.chaos.check.Observed.ParkedRow;
import dev.bazaar.chaos.check.Observed.PaymentRow;
import dev.bazaar.chaos.check.Observed.ProductRow;
import dev.bazaar.chaos.check.Observed.ReservationRow;
import dev.bazaar.chaos.check.Observed.ViewRow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what the services ended with: each service's own database, as that service's role (the
 * password from the data dir's secrets), the parked queues through {@code bazaar messages parked},
 * and each order as its owner sees it through the gateway.
 */
final class StateReader {
  static final List<String> SERVICES =
      List.of("users", "catalog", "orders", "payments", "notifications");

  private final Bazaar bazaar;
  private final int pgPort;
  private final Http http;

  private final java.util.function.Function<Workload.Customer, String> login;

  StateReader(
      Bazaar bazaar,
      int pgPort,
      Http http,
      java.util.function.Function<Workload.Customer, String> login) {
    this.bazaar = bazaar;
    this.pgPort = pgPort;
    this.http = http;
    this.login = login;
  }

  Connection connect(String service) throws Exception {
    String role = "bazaar_" + service;
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pgPort + "/" + role + "?connectTimeout=5&socketTimeout=30",
        role,
        bazaar.rolePassword(role));
  }

  /** The ids of the run's orders, as the orders table has them. */
  Map<String, String> orderStatuses(Set<String> customers) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Connection c = connect("orders");
        PreparedStatement ps =
            c.prepareStatement("SELECT id::text, status FROM orders WHERE customer_id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("uuid", customers.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /**
   * Whether the system looks settled: every order final, no unsent outbox row, no open reservation.
   */
  String unsettled(Set<String> customers) {
    try {
      long pending =
          orderStatuses(customers).values().stream().filter(s -> s.equals("PENDING")).count();
      if (pending > 0) {
        return pending + " orders PENDING";
      }
      for (Map.Entry<String, Integer> e : unsentOutbox().entrySet()) {
        if (e.getValue() > 0) {
          return e.getKey() + " has " + e.getValue() + " unsent outbox rows";
        }
      }
      return null;
    } catch (Exception e) {
      return "cannot read: " + e.getMessage();
    }
  }

  Map<String, Integer> unsentOutbox() throws Exception {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String s : SERVICES) {
      try (Connection c = connect(s)) {
        boolean hasSentAt = hasColumn(c, "outbox", "sent_at");
        String sql = "SELECT count(*) FROM outbox" + (hasSentAt ? " WHERE sent_at IS NULL" : "");
        try (PreparedStatement ps = c.prepareStatement(sql);
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          out.put(s, rs.getInt(1));
        }
      }
    }
    return out;
  }

  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM information_schema.columns WHERE table_name = ? AND column_name = ?")) {
      ps.setString(1, table);
      ps.setString(2, column);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  Observed read(
      Set<String> customers, List<Workload.Product> products, Map<String, Workload.Customer> owners)
      throws Exception {
    Object[] cust = customers.toArray();
    List<OrderRow> orders = new ArrayList<>();
    try (Connection c = connect("orders")) {
      Map<String, Map<String, Integer>> lines = new HashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT l.order_id::text, l.product_id::text, l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.customer_id = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("uuid", cust));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            lines
                .computeIfAbsent(rs.getString(1), x -> new LinkedHashMap<>())
                .merge(rs.getString(2), rs.getInt(3), Integer::sum);
          }
        }
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT o.id::text, o.customer_id::text, o.status, o.reason, o.total_amount, trim(o.currency), k.idem_key"
                  + " FROM orders o LEFT JOIN idempotency_keys k ON k.order_id = o.id WHERE o.customer_id = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("uuid", cust));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String id = rs.getString(1);
            orders.add(
                new OrderRow(
                    id,
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getLong(5),
                    rs.getString(6),
                    rs.getString(7),
                    lines.getOrDefault(id, Map.of())));
          }
        }
      }
    }
    Object[] orderIds = orders.stream().map(OrderRow::id).toArray();
    List<PaymentRow> payments = new ArrayList<>();
    try (Connection c = connect("payments");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id::text, order_id::text, customer_id::text, status, amount, currency FROM payments"
                    + " WHERE customer_id = ANY (?) OR order_id = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("uuid", cust));
      ps.setArray(2, c.createArrayOf("uuid", orderIds));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long amount = rs.getLong(5);
          payments.add(
              new PaymentRow(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.wasNull() ? null : amount,
                  rs.getString(6)));
        }
      }
    }
    List<ProductRow> productRows = new ArrayList<>();
    List<ReservationRow> reservations = new ArrayList<>();
    try (Connection c = connect("catalog")) {
      Object[] pids = products.stream().map(Workload.Product::id).toArray();
      Map<String, Integer> stock = new HashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id::text, stock FROM products WHERE id = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("uuid", pids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            stock.put(rs.getString(1), rs.getInt(2));
          }
        }
      }
      for (Workload.Product p : products) {
        productRows.add(
            new ProductRow(p.id(), p.name(), p.stock(), stock.getOrDefault(p.id(), -1)));
      }
      Map<String, String> states = new LinkedHashMap<>();
      Map<String, Map<String, Integer>> held = new HashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT r.order_id::text, r.state, l.product_id::text, l.quantity FROM reservations r"
                  + " LEFT JOIN reservation_lines l ON l.order_id = r.order_id"
                  + " WHERE r.order_id = ANY (?) OR l.product_id = ANY (?)")) {
        ps.setArray(1, c.createArrayOf("uuid", orderIds));
        ps.setArray(2, c.createArrayOf("uuid", pids));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            states.put(rs.getString(1), rs.getString(2));
            if (rs.getString(3) != null) {
              held.computeIfAbsent(rs.getString(1), x -> new LinkedHashMap<>())
                  .put(rs.getString(3), rs.getInt(4));
            }
          }
        }
      }
      states.forEach(
          (o, s) -> reservations.add(new ReservationRow(o, s, held.getOrDefault(o, Map.of()))));
    }
    List<NotificationRow> notifications = new ArrayList<>();
    try (Connection c = connect("notifications");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id::text, user_id::text, order_id::text, kind FROM notifications WHERE user_id = ANY (?) AND order_id IS NOT NULL")) {
      ps.setArray(1, c.createArrayOf("uuid", cust));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          notifications.add(
              new NotificationRow(
                  rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
    }
    Map<String, ViewRow> views = new ConcurrentViews().read(orders, owners);
    return new Observed(
        customers,
        orders,
        payments,
        productRows,
        reservations,
        notifications,
        unsentOutbox(),
        parked(),
        views);
  }

  /** Each order as its owner sees it, a few requests at a time. */
  private final class ConcurrentViews {
    Map<String, ViewRow> read(List<OrderRow> orders, Map<String, Workload.Customer> owners)
        throws InterruptedException {
      Map<String, ViewRow> out = new java.util.concurrent.ConcurrentHashMap<>();
      try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
        for (OrderRow o : orders) {
          pool.submit(
              () -> {
                Workload.Customer c = owners.get(o.customerId());
                Http.Reply r = null;
                for (int attempt = 0; attempt < 5; attempt++) {
                  r = http.get("/api/v1/orders/" + o.id(), c.token);
                  if (r.status() == 401) {
                    c.token = login.apply(c);
                    continue;
                  }
                  if (r.answered() && r.status() < 500) {
                    break;
                  }
                  Workload.sleep(500);
                }
                JsonNode j = r.json();
                Long total =
                    j != null && j.has("total") && j.get("total").has("amount")
                        ? j.get("total").get("amount").asLong()
                        : null;
                out.put(o.id(), new ViewRow(r.status(), r.text("status"), r.text("reason"), total));
              });
        }
      }
      return out;
    }
  }

  List<ParkedRow> parked() throws Exception {
    String out = bazaar.run(120, "messages", "parked", "--json");
    List<ParkedRow> rows = new ArrayList<>();
    int start = out.indexOf('[');
    if (start < 0) {
      return rows;
    }
    for (JsonNode m : Http.JSON.readTree(out.substring(start))) {
      rows.add(
          new ParkedRow(
              m.path("parkedQueue").asText(),
              m.path("id").asText(),
              m.path("type").asText(),
              m.path("error").asText()));
    }
    return rows;
  }

  /** The order's stored events and every outbox message about it, for the report of a violation. */
  Map<String, List<String>> details(String orderId) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> events = new ArrayList<>();
    try (Connection c = connect("orders");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT seq, type, at, data::text FROM order_events WHERE order_id = ?::uuid ORDER BY seq")) {
      ps.setString(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(
              rs.getInt(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
        }
      }
    } catch (Exception e) {
      events.add("cannot read: " + e.getMessage());
    }
    out.put("events", events);
    List<String> messages = new ArrayList<>();
    for (String s : SERVICES) {
      try (Connection c = connect(s)) {
        boolean hasSentAt = hasColumn(c, "outbox", "sent_at");
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT occurred_at, message_type, id::text, "
                    + (hasSentAt ? "sent_at::text" : "'-'")
                    + ", payload::text FROM outbox"
                    + " WHERE payload->>'orderId' = ? ORDER BY occurred_at")) {
          ps.setString(1, orderId);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              messages.add(
                  s
                      + " "
                      + rs.getString(1)
                      + " "
                      + rs.getString(2)
                      + " id="
                      + rs.getString(3)
                      + " sent="
                      + rs.getString(4)
                      + " "
                      + rs.getString(5));
            }
          }
        }
      } catch (Exception e) {
        messages.add(s + ": cannot read: " + e.getMessage());
      }
    }
    out.put("messages", messages);
    return out;
  }

  static Set<String> ids(List<Workload.Customer> customers) {
    Set<String> out = new LinkedHashSet<>();
    customers.forEach(c -> out.add(c.id));
    return out;
  }
}
