package dev.bazaar.orders.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Remembered {@code Idempotency-Key}s of POST /api/v1/orders, per customer. */
@ApplicationScoped
public class IdempotencyKeys {

  /** What the first request with a key asked for and was answered. */
  public record Entry(String requestHash, UUID orderId, String response) {}

  public Optional<Entry> find(Connection c, UUID customerId, String key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT request_hash, order_id, response FROM idempotency_keys"
                + " WHERE customer_id = ? AND idem_key = ?")) {
      ps.setObject(1, customerId);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new Entry(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3)))
            : Optional.empty();
      }
    }
  }

  /**
   * Records the key; a unique violation (SQLSTATE 23505) means another request with the same key
   * committed first.
   */
  public void insert(Connection c, UUID customerId, String key, Entry entry, Instant at)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO idempotency_keys (customer_id, idem_key, request_hash, order_id, response,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, customerId);
      ps.setString(2, key);
      ps.setString(3, entry.requestHash());
      ps.setObject(4, entry.orderId());
      ps.setString(5, entry.response());
      ps.setTimestamp(6, Timestamp.from(at));
      ps.executeUpdate();
    }
  }

  /** Forgets keys recorded before {@code cutoff}; returns how many. */
  public int deleteOlderThan(Connection c, Instant cutoff) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM idempotency_keys WHERE created_at < ?")) {
      ps.setTimestamp(1, Timestamp.from(cutoff));
      return ps.executeUpdate();
    }
  }
}
