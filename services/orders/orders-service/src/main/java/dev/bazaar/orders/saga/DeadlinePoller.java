package dev.bazaar.orders.saga;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.domain.SagaTimeouts;
import dev.bazaar.orders.persistence.OrderRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Enforces the saga's deadlines: every {@code bazaar.orders.saga.poll-interval} it takes the orders
 * whose deadline passed, one per transaction with {@code FOR UPDATE SKIP LOCKED} (so several
 * instances share the work), and lets each order decide (compensate, or send unanswered
 * compensations again). The deadline lives only in the database, so a restarted process resumes.
 */
@ApplicationScoped
public class DeadlinePoller {

  private static final Logger LOG = Logger.getLogger(DeadlinePoller.class);

  @Inject DataSource dataSource;
  @Inject OrderRepository orders;
  @Inject SagaRunner runner;
  @Inject Messaging messaging;
  @Inject OrdersConfig config;
  @Inject Clock clock;

  private ScheduledExecutorService executor;

  void start(@Observes StartupEvent event) {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "orders-deadline-poller");
              t.setDaemon(true);
              return t;
            });
    long every = config.saga().pollInterval().toMillis();
    executor.scheduleWithFixedDelay(this::pollSafely, every, every, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.errorf(e, "deadline poll failed; trying again in %s", config.saga().pollInterval());
    }
  }

  /** Handles up to {@code poll-batch} due orders; returns how many. */
  public int poll() {
    SagaTimeouts timeouts = config.saga().timeouts();
    int handled = 0;
    while (handled < config.saga().pollBatch()) {
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      Optional<UUID> due;
      try {
        due =
            Tx.run(
                dataSource,
                c -> {
                  Optional<UUID> id = orders.lockOneDue(c, now);
                  if (id.isPresent()) {
                    runner.update(c, id.get(), o -> o.deadlinePassed(now, timeouts));
                  }
                  return id;
                });
      } catch (RuntimeException e) {
        postpone(now, timeouts, e);
        break;
      }
      if (due.isEmpty()) {
        break;
      }
      handled++;
    }
    if (handled > 0) {
      messaging.flush();
    }
    return handled;
  }

  /**
   * An order that cannot be handled must not block the ones behind it (the poll takes the oldest
   * deadline first): its deadline moves one compensation interval ahead and the failure is logged.
   */
  private void postpone(Instant now, SagaTimeouts timeouts, RuntimeException failure) {
    LOG.errorf(failure, "handling a due order failed; postponing the oldest due order");
    Tx.run(
        dataSource,
        c -> {
          Optional<UUID> id = orders.lockOneDue(c, now);
          if (id.isPresent()) {
            try (PreparedStatement ps =
                c.prepareStatement("UPDATE orders SET deadline_at = ? WHERE id = ?")) {
              ps.setTimestamp(1, Timestamp.from(now.plus(timeouts.compensationRetry())));
              ps.setObject(2, id.get());
              ps.executeUpdate();
            }
          }
          return null;
        });
  }
}
