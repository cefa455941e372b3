package dev.bazaar.payments.persistence;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.payments.api.PaymentView;
import dev.bazaar.payments.domain.Payment;
import dev.bazaar.payments.domain.PaymentStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Payments and the simulated provider's call counts in the payments database. */
@ApplicationScoped
public class PaymentRepository {

  private static final String COLUMNS =
      "id, order_id, customer_id, amount, currency, token, status, reason, decide_at";

  /**
   * The order's payment, locked until the caller's transaction ends, so that a refund, a repeated
   * authorization and the poller act on it one after another.
   */
  public Optional<Payment> lockByOrder(Connection c, UUID orderId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + COLUMNS + " FROM payments WHERE order_id = ? FOR UPDATE")) {
      ps.setObject(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /**
   * Inserts the order's first payment row; false when the order already has one (another instance
   * got there first), in which case nothing was written.
   */
  public boolean insert(Connection c, Payment p, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO payments ("
                + COLUMNS
                + ", created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (order_id) DO NOTHING")) {
      ps.setObject(1, p.id());
      ps.setObject(2, p.orderId());
      bindState(ps, 3, p);
      ps.setObject(10, at(now));
      ps.setObject(11, at(now));
      return ps.executeUpdate() == 1;
    }
  }

  /** Writes a transition of a payment locked in this transaction. */
  public void update(Connection c, Payment p, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE payments SET customer_id = ?, amount = ?, currency = ?, token = ?, status = ?,"
                + " reason = ?, decide_at = ?, updated_at = ? WHERE order_id = ? AND id = ?")) {
      bindState(ps, 1, p);
      ps.setObject(8, at(now));
      ps.setObject(9, p.orderId());
      ps.setObject(10, p.id());
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException(
            "payment " + p.id() + " of order " + p.orderId() + " is gone");
      }
    }
  }

  /**
   * Up to {@code limit} pending payments due at {@code now}, oldest deadline first, locked; rows
   * another instance (or a refund) holds are skipped rather than waited for.
   */
  public List<Payment> lockDue(Connection c, Instant now, int limit) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM payments WHERE status = 'PENDING' AND decide_at <= ?"
                + " ORDER BY decide_at LIMIT ? FOR UPDATE SKIP LOCKED")) {
      ps.setObject(1, at(now));
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        List<Payment> due = new ArrayList<>();
        while (rs.next()) {
          due.add(read(rs));
        }
        return due;
      }
    }
  }

  /**
   * The order's payment as its owner, or an admin ({@code customer == null}), may see it: decided
   * payments only, never a pending one or a refund marker.
   */
  public List<PaymentView> visible(Connection c, UUID orderId, UUID customer) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, order_id, amount, currency, status FROM payments WHERE order_id = ?"
                + " AND status IN ('AUTHORIZED', 'DECLINED', 'REFUNDED')"
                + " AND (CAST(? AS uuid) IS NULL OR customer_id = ?)")) {
      ps.setObject(1, orderId);
      ps.setObject(2, customer);
      ps.setObject(3, customer);
      try (ResultSet rs = ps.executeQuery()) {
        List<PaymentView> out = new ArrayList<>();
        while (rs.next()) {
          out.add(
              new PaymentView(
                  rs.getObject(1, UUID.class),
                  rs.getObject(2, UUID.class),
                  money(rs, 3, 4),
                  rs.getString(5)));
        }
        return out;
      }
    }
  }

  /**
   * Counts one more provider call for the order and returns the count (1 for the first). Runs in
   * its own transaction, so the count survives the rollback of a failed attempt.
   */
  public int countProviderCall(Connection c, UUID orderId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO provider_calls (order_id, calls) VALUES (?, 1)"
                + " ON CONFLICT (order_id) DO UPDATE SET calls = provider_calls.calls + 1"
                + " RETURNING calls")) {
      ps.setObject(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void bindState(PreparedStatement ps, int from, Payment p) throws SQLException {
    ps.setObject(from, p.customerId());
    if (p.amount() == null) {
      ps.setNull(from + 1, Types.BIGINT);
      ps.setNull(from + 2, Types.VARCHAR);
    } else {
      ps.setLong(from + 1, p.amount().amount());
      ps.setString(from + 2, p.amount().currency());
    }
    ps.setString(from + 3, p.token());
    ps.setString(from + 4, p.status().name());
    ps.setString(from + 5, p.reason());
    if (p.decideAt() == null) {
      ps.setNull(from + 6, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(from + 6, at(p.decideAt()));
    }
  }

  private static Payment read(ResultSet rs) throws SQLException {
    OffsetDateTime decideAt = rs.getObject(9, OffsetDateTime.class);
    return new Payment(
        rs.getObject(1, UUID.class),
        rs.getObject(2, UUID.class),
        rs.getObject(3, UUID.class),
        money(rs, 4, 5),
        rs.getString(6),
        PaymentStatus.valueOf(rs.getString(7)),
        rs.getString(8),
        decideAt == null ? null : decideAt.toInstant());
  }

  private static Money money(ResultSet rs, int amountColumn, int currencyColumn)
      throws SQLException {
    long amount = rs.getLong(amountColumn);
    return rs.wasNull() ? null : new Money(amount, rs.getString(currencyColumn));
  }

  private static OffsetDateTime at(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
