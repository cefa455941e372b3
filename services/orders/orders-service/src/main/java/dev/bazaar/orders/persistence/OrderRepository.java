package dev.bazaar.orders.persistence;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.orders.domain.Line;
import dev.bazaar.orders.domain.Order;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Orders and their lines in the orders database. Callers own the transaction. */
@ApplicationScoped
public class OrderRepository {

  /** One page of a customer's orders and how many they have in all. */
  public record Slice(List<Order> items, long total) {}

  public void insert(Connection c, Order order) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO orders (id, customer_id, status, total_amount, currency, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, order.id());
      ps.setObject(2, order.customerId());
      ps.setString(3, order.status().name());
      ps.setLong(4, order.total().amount());
      ps.setString(5, order.total().currency());
      ps.setTimestamp(6, Timestamp.from(order.createdAt()));
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO order_lines (order_id, line_no, product_id, name, quantity, unit_amount,"
                + " currency, line_total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      int no = 0;
      for (Line line : order.lines()) {
        ps.setObject(1, order.id());
        ps.setInt(2, no++);
        ps.setObject(3, line.productId());
        ps.setString(4, line.name());
        ps.setInt(5, line.quantity());
        ps.setLong(6, line.unitPrice().amount());
        ps.setString(7, line.unitPrice().currency());
        ps.setLong(8, line.lineTotal().amount());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The order when it exists and belongs to {@code customerId}. */
  public Optional<Order> findOwned(Connection c, UUID id, UUID customerId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, customer_id, status, created_at FROM orders"
                + " WHERE id = ? AND customer_id = ?")) {
      ps.setObject(1, id);
      ps.setObject(2, customerId);
      List<Order> found = withLines(c, heads(ps));
      return found.stream().findFirst();
    }
  }

  /** The customer's orders, newest first. */
  public Slice listOwned(Connection c, UUID customerId, long offset, int limit)
      throws SQLException {
    long total;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM orders WHERE customer_id = ?")) {
      ps.setObject(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
      }
    }
    if (offset >= total) {
      return new Slice(List.of(), total);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, customer_id, status, created_at FROM orders WHERE customer_id = ?"
                + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")) {
      ps.setObject(1, customerId);
      ps.setInt(2, limit);
      ps.setLong(3, offset);
      return new Slice(withLines(c, heads(ps)), total);
    }
  }

  private record Head(UUID id, UUID customerId, Order.Status status, Instant createdAt) {}

  private static List<Head> heads(PreparedStatement ps) throws SQLException {
    List<Head> heads = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        heads.add(
            new Head(
                rs.getObject(1, UUID.class),
                rs.getObject(2, UUID.class),
                Order.Status.valueOf(rs.getString(3)),
                rs.getTimestamp(4).toInstant()));
      }
    }
    return heads;
  }

  /** Loads the lines of all {@code heads} in one query and rebuilds the orders in that order. */
  private static List<Order> withLines(Connection c, List<Head> heads) throws SQLException {
    if (heads.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<Line>> lines = new LinkedHashMap<>();
    heads.forEach(h -> lines.put(h.id(), new ArrayList<>()));
    Array ids = c.createArrayOf("uuid", lines.keySet().toArray());
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT order_id, product_id, name, quantity, unit_amount, currency FROM order_lines"
                + " WHERE order_id = ANY (?) ORDER BY order_id, line_no")) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines
              .get(rs.getObject(1, UUID.class))
              .add(
                  new Line(
                      rs.getObject(2, UUID.class),
                      rs.getString(3),
                      rs.getInt(4),
                      new Money(rs.getLong(5), rs.getString(6))));
        }
      }
    }
    List<Order> orders = new ArrayList<>(heads.size());
    for (Head h : heads) {
      orders.add(
          Order.restore(h.id(), h.customerId(), h.status(), lines.get(h.id()), h.createdAt()));
    }
    return orders;
  }
}
