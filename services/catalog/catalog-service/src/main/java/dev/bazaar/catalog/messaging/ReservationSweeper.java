package dev.bazaar.catalog.messaging;

import dev.bazaar.catalog.config.CatalogConfig;
import dev.bazaar.catalog.persistence.ProductRepository;
import dev.bazaar.catalog.persistence.ReservationRepository;
import dev.bazaar.chassis.db.Tx;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Expires RESERVED reservations past their deadline and gives their units back, in batches, every
 * {@code bazaar.catalog.sweep-interval}. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so
 * several catalog instances sweep side by side without taking the same reservation twice, and a
 * reservation a command is working on is left for the next round. Nothing is published: the orders
 * saga runs its own deadlines, and a later ReleaseStock or CommitStock is answered from the EXPIRED
 * state.
 */
@ApplicationScoped
public class ReservationSweeper {

  private static final Logger LOG = Logger.getLogger(ReservationSweeper.class);

  @Inject DataSource dataSource;
  @Inject ProductRepository products;
  @Inject ReservationRepository reservations;
  @Inject CatalogConfig config;
  @Inject Clock clock;

  void start(@Observes StartupEvent event) {
    if (config.sweepBatchSize() < 1
        || config.sweepInterval().isNegative()
        || config.sweepInterval().isZero()
        || config.reservationTtl().isNegative()
        || config.reservationTtl().isZero()) {
      throw new IllegalStateException(
          "bazaar.catalog.reservation-ttl and sweep-interval must be positive and sweep-batch-size"
              + " at least 1, but were "
              + config.reservationTtl()
              + ", "
              + config.sweepInterval()
              + ", "
              + config.sweepBatchSize());
    }
  }

  @Scheduled(
      identity = "catalog-reservation-sweeper",
      every = "${bazaar.catalog.sweep-interval:5s}",
      delayed = "${bazaar.catalog.sweep-interval:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    sweepQuietly();
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      // The database may be restarting; the next round tries again.
      LOG.warnf("reservation sweep failed: %s", e.toString());
    }
  }

  /** Expires every reservation due by now; returns how many it expired. */
  public int sweep() {
    int total = 0;
    while (true) {
      int expired = Tx.run(dataSource, c -> sweepBatch(c, clock.instant()));
      total += expired;
      if (expired < config.sweepBatchSize()) {
        if (total > 0) {
          LOG.infof("expired %d reservation(s)", total);
        }
        return total;
      }
    }
  }

  private int sweepBatch(Connection c, Instant now) throws SQLException {
    List<UUID> due = reservations.lockExpired(c, now, config.sweepBatchSize());
    if (due.isEmpty()) {
      return 0;
    }
    Map<UUID, Integer> units = reservations.unitsOf(c, due);
    products.lockStock(c, units.keySet());
    for (Map.Entry<UUID, Integer> e : units.entrySet()) {
      products.giveBack(c, e.getKey(), e.getValue());
    }
    return reservations.expire(c, due, now);
  }
}
