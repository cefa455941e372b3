package dev.bazaar.catalog.persistence;

import dev.bazaar.catalog.domain.Reservation;
import dev.bazaar.catalog.domain.ReservationState;
import dev.bazaar.catalog.domain.StockDemand;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Reservations of the order saga and their lines. Callers own the transaction. */
@ApplicationScoped
public class ReservationRepository {

  /**
   * Serialises every command about one order until the transaction ends, including the first one,
   * when no row exists yet to lock. A transaction-scoped advisory lock keyed by the order id; two
   * orders whose keys collide merely wait for each other.
   */
  public void lockOrder(Connection c, UUID orderId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, orderId.getMostSignificantBits() ^ orderId.getLeastSignificantBits());
      ps.execute();
    }
  }

  /** The order's reservation, its row locked (it may be the sweeper's to wait for). */
  public Optional<Reservation> findForUpdate(Connection c, UUID orderId) throws SQLException {
    ReservationState state;
    Instant expiresAt;
    String reason;
    List<UUID> rejected;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT state, expires_at, reject_reason, reject_product_ids FROM reservations"
                + " WHERE order_id = ? FOR UPDATE")) {
      ps.setObject(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        state = ReservationState.valueOf(rs.getString(1));
        Timestamp t = rs.getTimestamp(2);
        expiresAt = t == null ? null : t.toInstant();
        reason = rs.getString(3);
        rejected = uuids(rs.getArray(4));
      }
    }
    List<StockDemand.Line> lines = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT product_id, quantity FROM reservation_lines WHERE order_id = ?"
                + " ORDER BY product_id")) {
      ps.setObject(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(new StockDemand.Line(rs.getObject(1, UUID.class), rs.getInt(2)));
        }
      }
    }
    return Optional.of(new Reservation(orderId, state, expiresAt, lines, reason, rejected));
  }

  /** Records a new reservation with its lines. */
  public void insert(Connection c, Reservation r, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO reservations (order_id, state, expires_at, reject_reason,"
                + " reject_product_ids, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, r.orderId());
      ps.setString(2, r.state().name());
      ps.setTimestamp(3, r.expiresAt() == null ? null : Timestamp.from(r.expiresAt()));
      ps.setString(4, r.rejectReason());
      ps.setArray(5, c.createArrayOf("uuid", r.rejectProductIds().toArray()));
      ps.setTimestamp(6, Timestamp.from(now));
      ps.setTimestamp(7, Timestamp.from(now));
      ps.executeUpdate();
    }
    if (r.lines().isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO reservation_lines (order_id, product_id, quantity) VALUES (?, ?, ?)")) {
      for (StockDemand.Line line : r.lines()) {
        ps.setObject(1, r.orderId());
        ps.setObject(2, line.productId());
        ps.setInt(3, line.quantity());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Moves a reservation to {@code state}; its deadline is kept only while RESERVED. */
  public void setState(Connection c, UUID orderId, ReservationState state, Instant now)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE reservations SET state = ?, updated_at = ?,"
                + " expires_at = CASE WHEN ? = 'RESERVED' THEN expires_at END"
                + " WHERE order_id = ?")) {
      ps.setString(1, state.name());
      ps.setTimestamp(2, Timestamp.from(now));
      ps.setString(3, state.name());
      ps.setObject(4, orderId);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("no reservation for order " + orderId);
      }
    }
  }

  /**
   * Locks up to {@code limit} RESERVED reservations whose deadline is at or before {@code now},
   * skipping rows another transaction holds (a handler working on that order, or the sweeper of
   * another catalog instance).
   */
  public List<UUID> lockExpired(Connection c, Instant now, int limit) throws SQLException {
    List<UUID> ids = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT order_id FROM reservations WHERE state = 'RESERVED' AND expires_at <= ?"
                + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return ids;
  }

  /** Units held by the given reservations, summed per product, in product id order. */
  public Map<UUID, Integer> unitsOf(Connection c, List<UUID> orderIds) throws SQLException {
    Map<UUID, Integer> units = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT product_id, sum(quantity) FROM reservation_lines WHERE order_id = ANY (?)"
                + " GROUP BY product_id ORDER BY product_id")) {
      ps.setArray(1, c.createArrayOf("uuid", orderIds.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          units.put(rs.getObject(1, UUID.class), rs.getInt(2));
        }
      }
    }
    return units;
  }

  /** Marks the given RESERVED reservations EXPIRED. */
  public int expire(Connection c, List<UUID> orderIds, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE reservations SET state = 'EXPIRED', expires_at = NULL, updated_at = ?"
                + " WHERE order_id = ANY (?) AND state = 'RESERVED'")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setArray(2, c.createArrayOf("uuid", orderIds.toArray()));
      return ps.executeUpdate();
    }
  }

  private static List<UUID> uuids(Array array) throws SQLException {
    if (array == null) {
      return List.of();
    }
    Object[] values = (Object[]) array.getArray();
    return Arrays.stream(values).map(v -> (UUID) v).toList();
  }
}
