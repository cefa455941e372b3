package dev.bazaar.orders.saga;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.persistence.IdempotencyKeys;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Forgets {@code Idempotency-Key}s older than {@code bazaar.orders.idempotency.retention}, every
 * {@code cleanup-interval}. Keys are promised to be kept at least 24 hours, so a shorter retention
 * stops the service at start.
 */
@ApplicationScoped
public class IdempotencyCleaner {

  private static final Logger LOG = Logger.getLogger(IdempotencyCleaner.class);
  static final Duration MIN_RETENTION = Duration.ofHours(24);

  @Inject DataSource dataSource;
  @Inject IdempotencyKeys keys;
  @Inject OrdersConfig config;
  @Inject Clock clock;

  void start(@Observes StartupEvent event) {
    Duration retention = config.idempotency().retention();
    if (retention.compareTo(MIN_RETENTION) < 0) {
      throw new IllegalStateException(
          "bazaar.orders.idempotency.retention must be at least 24h, but was " + retention);
    }
  }

  @Scheduled(
      identity = "orders-idempotency-cleaner",
      every = "${bazaar.orders.idempotency.cleanup-interval:1h}",
      delayed = "${bazaar.orders.idempotency.cleanup-interval:1h}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    cleanSafely();
  }

  private void cleanSafely() {
    try {
      clean();
    } catch (RuntimeException e) {
      LOG.errorf(e, "deleting expired idempotency keys failed; trying again later");
    }
  }

  /** Deletes the expired keys; returns how many. */
  public int clean() {
    int deleted =
        Tx.run(
            dataSource,
            c -> keys.deleteOlderThan(c, clock.instant().minus(config.idempotency().retention())));
    if (deleted > 0) {
      LOG.infof("forgot %d idempotency keys", deleted);
    }
    return deleted;
  }
}
