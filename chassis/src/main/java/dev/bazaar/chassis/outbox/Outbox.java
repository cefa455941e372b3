package dev.bazaar.chassis.outbox;

import dev.bazaar.chassis.messaging.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;

/**
 * Writes a message to the outbox inside the caller's transaction. Nothing is sent here: the relay
 * publishes after the transaction commits, so a message exists exactly when the state change does.
 */
public final class Outbox {

  private Outbox() {}

  public static void append(Connection tx, String exchange, String routingKey, Envelope e)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO outbox (id, exchange, routing_key, message_type, schema_version,"
                + " occurred_at, traceparent, request_id, payload)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
      ps.setObject(1, e.id());
      ps.setString(2, exchange);
      ps.setString(3, routingKey);
      ps.setString(4, e.type());
      ps.setInt(5, e.version());
      ps.setTimestamp(6, Timestamp.from(e.occurredAt()));
      ps.setString(7, e.traceparent());
      ps.setString(8, e.requestId());
      ps.setString(9, e.payload());
      ps.executeUpdate();
    }
  }
}
