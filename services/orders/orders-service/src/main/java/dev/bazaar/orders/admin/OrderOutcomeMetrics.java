package dev.bazaar.orders.admin;

import dev.bazaar.chassis.db.Tx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Micrometer meters of finished orders, read from the event store: {@code
 * bazaar_orders_finished_total{outcome, reason}} and {@code bazaar_orders_time_to_final_seconds
 * {outcome}} (placed to CONFIRMED or CANCELLED, with p50 and p99). The console plots them.
 *
 * <p>They are derived from the stored {@code Confirmed} and {@code Cancelled} events rather than
 * counted where the saga decides, so that they cover every path that finishes an order (replies,
 * deadlines, cancellation) without touching the saga. A commit may carry an {@code at} slightly
 * older than one already seen, so each read looks back {@link #LOOK_BACK} and skips the orders it
 * counted. Every orders instance reads every order: take one instance's value (the console takes
 * the largest), never the sum.
 */
@Singleton
public class OrderOutcomeMetrics {

  static final Duration LOOK_BACK = Duration.ofSeconds(30);
  private static final Logger LOG = Logger.getLogger(OrderOutcomeMetrics.class);

  @Inject DataSource dataSource;
  @Inject MeterRegistry registry;
  @Inject Clock clock;

  private final Map<UUID, Instant> counted = new HashMap<>();
  private final Map<String, Counter> finished = new HashMap<>();
  private final Map<String, Timer> timeToFinal = new HashMap<>();
  private volatile Instant watermark;

  void start(@Observes StartupEvent event) {
    // Orders finished before this process started are not counted again on each restart.
    watermark = clock.instant();
  }

  @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    if (watermark != null) {
      safeRead();
    }
  }

  private void safeRead() {
    try {
      read();
    } catch (RuntimeException e) {
      LOG.debugf("order outcome metrics: %s", e.toString());
    }
  }

  /** Counts the orders that finished since the last read. */
  synchronized void read() {
    Instant from = watermark.minus(LOOK_BACK);
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT e.order_id, e.type, e.at, o.created_at, o.reason"
                      + " FROM order_events e JOIN orders o ON o.id = e.order_id"
                      + " WHERE e.type IN ('Confirmed', 'Cancelled') AND e.at > ?"
                      + " ORDER BY e.at LIMIT 5000")) {
            ps.setTimestamp(1, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                UUID id = rs.getObject(1, UUID.class);
                Instant at = rs.getTimestamp(3).toInstant();
                if (at.isAfter(watermark)) {
                  watermark = at;
                }
                if (counted.putIfAbsent(id, at) != null) {
                  continue;
                }
                boolean confirmed = rs.getString(2).equals("Confirmed");
                String outcome = confirmed ? "confirmed" : "cancelled";
                String reason = confirmed ? "none" : String.valueOf(rs.getString(5));
                record(outcome, reason, Duration.between(rs.getTimestamp(4).toInstant(), at));
              }
            }
          }
          return null;
        });
    Instant forget = watermark.minus(LOOK_BACK.multipliedBy(2));
    for (Iterator<Instant> it = counted.values().iterator(); it.hasNext(); ) {
      if (it.next().isBefore(forget)) {
        it.remove();
      }
    }
  }

  private void record(String outcome, String reason, Duration took) {
    finished
        .computeIfAbsent(
            outcome + "|" + reason,
            k ->
                Counter.builder("bazaar_orders_finished")
                    .description("Orders that became CONFIRMED or CANCELLED")
                    .tag("outcome", outcome)
                    .tag("reason", reason)
                    .register(registry))
        .increment();
    timeToFinal
        .computeIfAbsent(
            outcome,
            k ->
                Timer.builder("bazaar_orders_time_to_final")
                    .description("From placing an order to CONFIRMED or CANCELLED")
                    .tag("outcome", outcome)
                    .publishPercentiles(0.5, 0.99)
                    .distributionStatisticExpiry(Duration.ofMinutes(1))
                    .distributionStatisticBufferLength(3)
                    .register(registry))
        .record(took);
  }
}
