package dev.bazaar.chassis.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.chassis.messaging.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

/**
 * Writes a message to the outbox inside the caller's transaction. Nothing is sent here: the relay
 * publishes after the transaction commits, so a message exists exactly when the state change does.
 */
public final class Outbox {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Outbox() {}

  public static void append(Connection tx, String exchange, String routingKey, Envelope e)
      throws SQLException {
    append(tx, exchange, routingKey, e, Map.of(), null);
  }

  /**
   * A row with extra AMQP headers, published no earlier than {@code notBefore} (null: at once). A
   * row with the same message id that is still waiting is replaced: a consumer's retry of a message
   * reuses its id.
   */
  public static void append(
      Connection tx,
      String exchange,
      String routingKey,
      Envelope e,
      Map<String, Object> headers,
      Instant notBefore)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            "INSERT INTO outbox (id, exchange, routing_key, message_type, schema_version,"
                + " occurred_at, traceparent, request_id, payload, headers, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, coalesce(?, now()))"
                + " ON CONFLICT (id) DO UPDATE SET exchange = excluded.exchange,"
                + " routing_key = excluded.routing_key, headers = excluded.headers,"
                + " next_attempt_at = excluded.next_attempt_at, sent_at = NULL, attempts = 0,"
                + " last_error = NULL")) {
      ps.setObject(1, e.id());
      ps.setString(2, exchange);
      ps.setString(3, routingKey);
      ps.setString(4, e.type());
      ps.setInt(5, e.version());
      ps.setTimestamp(6, Timestamp.from(e.occurredAt()));
      ps.setString(7, e.traceparent());
      ps.setString(8, e.requestId());
      ps.setString(9, e.payload());
      ps.setString(10, headers.isEmpty() ? null : json(headers));
      ps.setTimestamp(11, notBefore == null ? null : Timestamp.from(notBefore));
      ps.executeUpdate();
    }
  }

  private static String json(Map<String, Object> headers) {
    try {
      return JSON.writeValueAsString(headers);
    } catch (JsonProcessingException ex) {
      throw new IllegalArgumentException("headers are not JSON: " + headers, ex);
    }
  }
}
