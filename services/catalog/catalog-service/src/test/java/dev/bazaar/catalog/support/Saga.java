package dev.bazaar.catalog.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.CommitStock;
import dev.bazaar.catalog.api.ReleaseStock;
import dev.bazaar.catalog.api.ReserveStock;
import dev.bazaar.catalog.api.StockLine;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Envelope;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the orders saga sends catalog (command envelopes as orders publishes them) and what catalog
 * answers (the replies it wrote to its outbox, in order).
 */
public final class Saga {

  /** A reply as catalog wrote it to its outbox. */
  public record Reply(String routingKey, String type, JsonNode payload) {}

  private final ObjectMapper json;
  private final DataSource dataSource;

  public Saga(ObjectMapper json, DataSource dataSource) {
    this.json = json;
    this.dataSource = dataSource;
  }

  public Envelope reserve(UUID orderId, StockLine... lines) {
    return envelope(CatalogContract.RESERVE_STOCK, new ReserveStock(orderId, List.of(lines)));
  }

  public Envelope release(UUID orderId) {
    return envelope(CatalogContract.RELEASE_STOCK, new ReleaseStock(orderId));
  }

  public Envelope commit(UUID orderId) {
    return envelope(CatalogContract.COMMIT_STOCK, new CommitStock(orderId));
  }

  public Envelope envelope(String routingKey, Object payload) {
    return raw(CatalogContract.type(routingKey), write(payload));
  }

  public static Envelope raw(String type, String payload) {
    return Envelope.create(type, CatalogContract.VERSION, Instant.now(), null, null, payload);
  }

  /** The same message again under a new message id (a re-sent command, not a redelivery). */
  public static Envelope resent(Envelope e) {
    return raw(e.type(), e.payload());
  }

  public static StockLine line(UUID productId, int quantity) {
    return new StockLine(productId, quantity);
  }

  /**
   * Every reply catalog wrote about {@code orderId}, oldest first: its events, not the retries and
   * parked messages its consumer writes to the same outbox (default exchange).
   */
  public List<Reply> replies(UUID orderId) {
    return Tx.run(
        dataSource,
        c -> {
          List<Reply> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT routing_key, message_type, payload::text FROM outbox"
                      + " WHERE payload->>'orderId' = ? AND exchange = 'bazaar.events'"
                      + " ORDER BY occurred_at, id")) {
            ps.setString(1, orderId.toString());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Reply(rs.getString(1), rs.getString(2), json.readTree(rs.getString(3))));
              }
            }
          }
          return out;
        });
  }

  /** The reservation's state, or null when there is none. */
  public String state(UUID orderId) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT state FROM reservations WHERE order_id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }

  public Instant expiresAt(UUID orderId) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT expires_at FROM reservations WHERE order_id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant();
            }
          }
        });
  }

  private String write(Object payload) {
    try {
      return json.writeValueAsString(payload);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
