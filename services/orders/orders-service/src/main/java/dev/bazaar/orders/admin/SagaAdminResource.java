package dev.bazaar.orders.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.orders.config.OrdersConfig;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What an operator needs to follow the order saga: one order's event history with the time each
 * step took, and the orders that are still PENDING after their deadline. Read-only, admin only (the
 * gateway checks the role too); it reads the event store and the read model, never changes them.
 */
@Path("/api/v1/admin/orders/sagas")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations", description = "Admin-only endpoints of the operations console")
public class SagaAdminResource {

  /** One stored event of the order, with the time since the previous one. */
  public record TimelineEvent(
      int seq,
      String type,
      Instant at,
      long sincePreviousMillis,
      long sinceStartMillis,
      @Schema(description = "The stored event's own fields, as the event store keeps them")
          Map<String, Object> data) {}

  /** An order's saga as the event store has it. */
  public record Timeline(
      UUID id,
      UUID customerId,
      String status,
      String reason,
      Instant createdAt,
      Instant deadlineAt,
      int version,
      long totalMillis,
      String traceId,
      List<TimelineEvent> events) {}

  /** A PENDING order whose deadline has passed (or that has none), and why it is not final. */
  public record Stuck(
      UUID id,
      Instant createdAt,
      Instant deadlineAt,
      long overdueSeconds,
      String lastStep,
      String lastOutcome,
      Instant lastStepAt,
      String why) {}

  public record StuckList(Instant asOf, Duration pollInterval, List<Stuck> items) {}

  @Inject DataSource dataSource;
  @Inject ObjectMapper json;
  @Inject OrdersConfig config;
  @Inject Clock clock;

  @GET
  @Path("/{id}")
  @Operation(
      operationId = "getSagaTimeline",
      summary = "An order's saga timeline from the event store (admin)")
  public Timeline timeline(@PathParam("id") String id) {
    UUID orderId = parse(id);
    return Tx.run(
        dataSource,
        c -> {
          Timeline head;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT customer_id, status, reason, created_at, deadline_at, version"
                      + " FROM orders WHERE id = ?")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new ProblemException(
                    404, "not-found", "Not Found", "No order with id " + orderId + ".");
              }
              head =
                  new Timeline(
                      orderId,
                      rs.getObject(1, UUID.class),
                      rs.getString(2),
                      rs.getString(3),
                      instant(rs.getTimestamp(4)),
                      instant(rs.getTimestamp(5)),
                      rs.getInt(6),
                      0,
                      null,
                      List.of());
            }
          }
          List<TimelineEvent> events = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT seq, type, at, data::text FROM order_events WHERE order_id = ?"
                      + " ORDER BY seq")) {
            ps.setObject(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
              Instant first = null;
              Instant previous = null;
              while (rs.next()) {
                Instant at = instant(rs.getTimestamp(3));
                first = first == null ? at : first;
                events.add(
                    new TimelineEvent(
                        rs.getInt(1),
                        rs.getString(2),
                        at,
                        previous == null ? 0 : Duration.between(previous, at).toMillis(),
                        Duration.between(first, at).toMillis(),
                        readJson(rs.getString(4))));
                previous = at;
              }
            }
          }
          // The trace of the order is the one of the request that placed it: its OrderPlaced
          // event carries that trace context in the outbox (kept for bazaar.outbox.retention).
          String traceId = null;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT traceparent FROM outbox WHERE message_type = 'OrderPlaced'"
                      + " AND payload ->> 'orderId' = ? LIMIT 1")) {
            ps.setString(1, orderId.toString());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next() && rs.getString(1) != null) {
                String[] parts = rs.getString(1).split("-");
                traceId = parts.length == 4 ? parts[1] : null;
              }
            }
          }
          long total =
              events.isEmpty()
                  ? 0
                  : Duration.between(events.get(0).at(), events.get(events.size() - 1).at())
                      .toMillis();
          return new Timeline(
              head.id(),
              head.customerId(),
              head.status(),
              head.reason(),
              head.createdAt(),
              head.deadlineAt(),
              head.version(),
              total,
              traceId,
              events);
        });
  }

  @GET
  @Path("/stuck")
  @Operation(
      operationId = "listStuckSagas",
      summary = "PENDING orders past their deadline, or without one, with why they wait (admin)")
  public StuckList stuck(@QueryParam("limit") Integer limit) {
    int max = limit == null ? 100 : limit;
    if (max < 1 || max > 1000) {
      throw new ProblemException(
          400, "validation", "Bad Request", "limit must be between 1 and 1000, but was " + max);
    }
    Instant now = clock.instant();
    List<Stuck> items =
        Tx.run(
            dataSource,
            c -> {
              List<Stuck> found = new ArrayList<>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, created_at, deadline_at, steps -> -1 ->> 'step',"
                          + " steps -> -1 ->> 'outcome', steps -> -1 ->> 'at'"
                          + " FROM orders WHERE status = 'PENDING'"
                          + " AND (deadline_at IS NULL OR deadline_at < ?)"
                          + " ORDER BY coalesce(deadline_at, created_at) LIMIT ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    Instant deadline = instant(rs.getTimestamp(3));
                    String step = rs.getString(4);
                    String outcome = rs.getString(5);
                    String at = rs.getString(6);
                    long overdue =
                        deadline == null ? 0 : Duration.between(deadline, now).toSeconds();
                    found.add(
                        new Stuck(
                            rs.getObject(1, UUID.class),
                            instant(rs.getTimestamp(2)),
                            deadline,
                            overdue,
                            step,
                            outcome,
                            at == null ? null : Instant.parse(at),
                            why(deadline, overdue, step, outcome)));
                  }
                }
              }
              return found;
            });
    return new StuckList(now, config.saga().pollInterval(), items);
  }

  /** In words, for the console: what the saga waits for and why it is late. */
  String why(Instant deadline, long overdueSeconds, String step, String outcome) {
    String waiting =
        step == null
            ? "No saga step has been recorded."
            : "STARTED".equals(outcome)
                ? "Waiting for the reply to " + step + "."
                : "The last step was " + step + " " + outcome + ".";
    if (deadline == null) {
      return waiting + " The order is PENDING without a deadline, so nothing will time it out.";
    }
    return waiting
        + " Its deadline passed "
        + overdueSeconds
        + " s ago; the deadline poller runs every "
        + config.saga().pollInterval().toMillis()
        + " ms and should have acted (is an orders instance running and reaching its database?).";
  }

  /** An event's stored JSON object; text that is not one is shown as {@code {"raw": text}}. */
  private Map<String, Object> readJson(String text) {
    try {
      return json.readValue(text, new TypeReference<Map<String, Object>>() {});
    } catch (java.io.IOException e) {
      return Map.of("raw", text);
    }
  }

  private static UUID parse(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw new ProblemException(
          400, "validation", "Bad Request", "id must be a UUID, but was '" + id + "'");
    }
  }

  private static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
