package dev.bazaar.orders.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.orders.domain.OrderEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The {@code order_events} table: an order's events in order, appended with an expected version.
 * The type column is the event record's simple name, the data its JSON.
 */
@ApplicationScoped
public class EventStore {

  /** Another transaction appended to the order first; reload and decide again. */
  public static final class ConcurrentChangeException extends RuntimeException {
    public ConcurrentChangeException(UUID orderId, int expectedVersion) {
      super("order " + orderId + " changed after version " + expectedVersion);
    }
  }

  private static final Map<String, Class<?>> TYPES =
      Arrays.stream(OrderEvent.class.getPermittedSubclasses())
          .collect(Collectors.toMap(Class::getSimpleName, Function.identity()));

  @Inject ObjectMapper json;

  /** The order's events, oldest first; empty when there is no such order. */
  public List<OrderEvent> load(Connection c, UUID orderId) throws SQLException {
    List<OrderEvent> events = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT type, data FROM order_events WHERE order_id = ? ORDER BY seq")) {
      ps.setObject(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(read(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return events;
  }

  /**
   * Appends {@code events} after {@code expectedVersion} events. Callers hold the order's row lock,
   * so the primary key can only be hit by a bug; the transaction is then unusable and rolls back.
   *
   * @throws ConcurrentChangeException when another transaction appended first
   */
  public void append(Connection c, UUID orderId, int expectedVersion, List<OrderEvent> events)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO order_events (order_id, seq, type, data, at) VALUES (?, ?, ?, ?::jsonb, ?)")) {
      int seq = expectedVersion;
      for (OrderEvent e : events) {
        ps.setObject(1, orderId);
        ps.setInt(2, ++seq);
        ps.setString(3, e.getClass().getSimpleName());
        ps.setString(4, write(e));
        ps.setTimestamp(5, Timestamp.from(e.at()));
        ps.addBatch();
      }
      ps.executeBatch();
    } catch (SQLException e) {
      if (Tx.isUniqueViolation(e)) {
        throw new ConcurrentChangeException(orderId, expectedVersion);
      }
      throw e;
    }
  }

  String write(OrderEvent e) {
    try {
      return json.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("cannot serialise " + e, ex);
    }
  }

  OrderEvent read(String type, String data) {
    Class<?> cls = TYPES.get(type);
    if (cls == null) {
      throw new IllegalStateException("unknown order event type " + type);
    }
    try {
      return (OrderEvent) json.readValue(data, cls);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("stored " + type + " is unreadable: " + ex.getMessage(), ex);
    }
  }
}
