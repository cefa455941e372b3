package dev.bazaar.orders.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.orders.api.OrderLine;
import dev.bazaar.orders.api.OrderView;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.orders.api.SagaStep;
import dev.bazaar.orders.domain.Line;
import dev.bazaar.orders.domain.Order;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The read model of orders ({@code orders} and {@code order_lines}), written in the transaction
 * that appends the order's events and serving the GET endpoints. Callers own the transaction.
 */
@ApplicationScoped
public class OrderRepository {

  private static final TypeReference<List<SagaStep>> STEPS = new TypeReference<>() {};

  @Inject ObjectMapper json;

  /** One page of a customer's orders and how many they have in all. */
  public record Slice(List<OrderView> items, long total) {}

  /** A new order's row and lines. */
  public void insert(Connection c, Order order) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO orders (id, customer_id, status, reason, version, deadline_at, steps,"
                + " total_amount, currency, created_at, snapshot)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb)")) {
      ps.setObject(1, order.id());
      ps.setObject(2, order.customerId());
      ps.setString(3, order.status().name());
      ps.setString(4, shownReason(order));
      ps.setInt(5, order.version());
      setInstant(ps, 6, order.deadline());
      ps.setString(7, steps(order));
      ps.setLong(8, order.total().amount());
      ps.setString(9, order.total().currency());
      ps.setTimestamp(10, Timestamp.from(order.createdAt()));
      ps.setString(11, snapshot(order));
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

  /**
   * The order, with its row locked until the transaction ends: every writer of one order (replies,
   * the customer's cancel, the deadline poller, on any instance) queues here, so none decides on a
   * state another is changing. Read from the row's snapshot; an order stored before snapshots
   * existed is replayed from its events once.
   */
  public Optional<Order> lock(Connection c, UUID id, EventStore events) throws SQLException {
    String snapshot;
    try (PreparedStatement ps =
        c.prepareStatement("SELECT snapshot::text FROM orders WHERE id = ? FOR UPDATE")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        snapshot = rs.getString(1);
      }
    }
    if (snapshot == null) {
      List<dev.bazaar.orders.domain.OrderEvent> stored = events.load(c, id);
      return stored.isEmpty() ? Optional.empty() : Optional.of(Order.replay(id, stored));
    }
    try {
      return Optional.of(Order.restore(id, json.readValue(snapshot, Order.Snapshot.class)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("snapshot of order " + id + " is unreadable", e);
    }
  }

  /**
   * Brings the locked row up to {@code order}; false when it no longer shows {@code
   * expectedVersion} (it cannot while the caller holds the lock of {@link #lock}).
   */
  public boolean project(Connection c, Order order, int expectedVersion) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE orders SET status = ?, reason = ?, version = ?, deadline_at = ?,"
                + " steps = ?::jsonb, snapshot = ?::jsonb WHERE id = ? AND version = ?")) {
      ps.setString(1, order.status().name());
      ps.setString(2, shownReason(order));
      ps.setInt(3, order.version());
      setInstant(ps, 4, order.deadline());
      ps.setString(5, steps(order));
      ps.setString(6, snapshot(order));
      ps.setObject(7, order.id());
      ps.setInt(8, expectedVersion);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * One order whose deadline is at or before {@code now}, locked; orders another transaction (or
   * another instance's poller) holds are skipped.
   */
  public Optional<UUID> lockOneDue(Connection c, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id FROM orders WHERE deadline_at <= ? ORDER BY deadline_at LIMIT 1"
                + " FOR UPDATE SKIP LOCKED")) {
      ps.setTimestamp(1, Timestamp.from(now));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
      }
    }
  }

  /** An order's view and the version (events applied) it shows. */
  public record Versioned(OrderView view, int version) {
    public boolean isFinal() {
      return !OrdersContract.STATUS_PENDING.equals(view.status());
    }
  }

  /** The order when it exists and belongs to {@code customerId}. */
  public Optional<OrderView> findOwned(Connection c, UUID id, UUID customerId) throws SQLException {
    return findOwnedVersioned(c, id, customerId).map(Versioned::view);
  }

  /** The order and its version when it exists and belongs to {@code customerId}. */
  public Optional<Versioned> findOwnedVersioned(Connection c, UUID id, UUID customerId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, status, reason, total_amount, currency, created_at, steps, version"
                + " FROM orders WHERE id = ? AND customer_id = ?")) {
      ps.setObject(1, id);
      ps.setObject(2, customerId);
      List<Head> heads = heads(ps);
      if (heads.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Versioned(withLines(c, heads).get(0), heads.get(0).version()));
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
            "SELECT id, status, reason, total_amount, currency, created_at, steps, version"
                + " FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC"
                + " LIMIT ? OFFSET ?")) {
      ps.setObject(1, customerId);
      ps.setInt(2, limit);
      ps.setLong(3, offset);
      return new Slice(withLines(c, heads(ps)), total);
    }
  }

  /** The order as the API shows it: {@code reason} only once it is cancelled. */
  public static OrderView view(Order order) {
    return new OrderView(
        order.id(),
        order.status().name(),
        shownReason(order),
        order.contractLines(),
        order.total(),
        order.createdAt(),
        order.steps());
  }

  private static String shownReason(Order order) {
    return order.status() == Order.Status.CANCELLED ? order.reason() : null;
  }

  private String snapshot(Order order) {
    try {
      return json.writeValueAsString(order.snapshot());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private String steps(Order order) {
    try {
      return json.writeValueAsString(order.steps());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void setInstant(PreparedStatement ps, int i, Instant at) throws SQLException {
    if (at == null) {
      ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setTimestamp(i, Timestamp.from(at));
    }
  }

  private record Head(
      UUID id,
      String status,
      String reason,
      Money total,
      Instant createdAt,
      List<SagaStep> steps,
      int version) {}

  private List<Head> heads(PreparedStatement ps) throws SQLException {
    List<Head> heads = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        List<SagaStep> steps;
        try {
          steps = json.readValue(rs.getString(7), STEPS);
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("steps of order " + rs.getObject(1) + " unreadable", e);
        }
        heads.add(
            new Head(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                new Money(rs.getLong(4), rs.getString(5)),
                rs.getTimestamp(6).toInstant(),
                steps,
                rs.getInt(8)));
      }
    }
    return heads;
  }

  /** Loads the lines of all {@code heads} in one query and builds the views in that order. */
  private static List<OrderView> withLines(Connection c, List<Head> heads) throws SQLException {
    if (heads.isEmpty()) {
      return List.of();
    }
    Map<UUID, List<OrderLine>> lines = new LinkedHashMap<>();
    heads.forEach(h -> lines.put(h.id(), new ArrayList<>()));
    Array ids = c.createArrayOf("uuid", lines.keySet().toArray());
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT order_id, product_id, name, quantity, unit_amount, currency, line_total"
                + " FROM order_lines WHERE order_id = ANY (?) ORDER BY order_id, line_no")) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String currency = rs.getString(6);
          lines
              .get(rs.getObject(1, UUID.class))
              .add(
                  new OrderLine(
                      rs.getObject(2, UUID.class),
                      rs.getString(3),
                      rs.getInt(4),
                      new Money(rs.getLong(5), currency),
                      new Money(rs.getLong(7), currency)));
        }
      }
    }
    List<OrderView> views = new ArrayList<>(heads.size());
    for (Head h : heads) {
      views.add(
          new OrderView(
              h.id(),
              h.status(),
              h.reason(),
              lines.get(h.id()),
              h.total(),
              h.createdAt(),
              h.steps()));
    }
    return views;
  }
}
