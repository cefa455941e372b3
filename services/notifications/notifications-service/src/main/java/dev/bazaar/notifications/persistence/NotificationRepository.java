package dev.bazaar.notifications.persistence;

import dev.bazaar.notifications.api.NotificationView;
import dev.bazaar.notifications.domain.Notification;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Notifications in the notifications database. Callers own the transaction. */
@ApplicationScoped
public class NotificationRepository {

  /**
   * Stores the notification unless one was already made from the same message; true when it was
   * inserted. The inbox already dedupes deliveries; this is the second guard (a replayed event
   * under a new inbox consumer name, a manual re-insert).
   */
  public boolean insert(Connection c, Notification n) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO notifications (id, user_id, kind, message, order_id, source_message_id)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_message_id) DO NOTHING")) {
      ps.setObject(1, n.id());
      ps.setObject(2, n.userId());
      ps.setString(3, n.kind().name());
      ps.setString(4, n.message());
      ps.setObject(5, n.orderId());
      ps.setObject(6, n.sourceMessageId());
      return ps.executeUpdate() == 1;
    }
  }

  /** The user's newest notifications first, at most {@code limit}. */
  /** How many notifications the user has. */
  public long countFor(Connection c, UUID userId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM notifications WHERE user_id = ?")) {
      ps.setObject(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * One page, newest first. The order is total (created_at, then id), so pages neither overlap nor
   * leave gaps while nothing is added; a notification added meanwhile shifts later pages by one.
   */
  public List<NotificationView> pageFor(Connection c, UUID userId, long offset, int size)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, kind, message, order_id, created_at FROM notifications"
                + " WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")) {
      ps.setObject(1, userId);
      ps.setInt(2, size);
      ps.setLong(3, offset);
      try (ResultSet rs = ps.executeQuery()) {
        List<NotificationView> out = new ArrayList<>();
        while (rs.next()) {
          out.add(
              new NotificationView(
                  rs.getObject(1, UUID.class),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getObject(4, UUID.class),
                  rs.getTimestamp(5).toInstant()));
        }
        return out;
      }
    }
  }
}
