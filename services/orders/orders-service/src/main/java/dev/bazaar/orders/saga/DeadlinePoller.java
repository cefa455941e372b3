package dev.bazaar.orders.saga;

import dev.bazaar.chassis.db.PollGate;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.domain.SagaTimeouts;
import dev.bazaar.orders.persistence.OrderRepository;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
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

  private PollGate gate;

  @PostConstruct
  void init() {
    gate = new PollGate(clock, config.saga().idlePollMax());
  }

  /** An order of this process now waits until {@code deadline}: the poller looks then. */
  public void deadlineAt(Instant deadline) {
    gate.dueAt(deadline);
  }

  @Scheduled(
      identity = "orders-deadline-poller",
      every = "${bazaar.orders.saga.poll-interval:1s}",
      delayed = "${bazaar.orders.saga.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    // Between deadlines an idle instance skips the query (PollGate): see idle-poll-max.
    if (gate.shouldLook()) {
      pollSafely();
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
    if (handled < config.saga().pollBatch()) {
      gate.nothingDue(earliestDeadline());
    } else {
      gate.foundWork();
    }
    return handled;
  }

  /** The earliest deadline of any waiting order, or null (or null when it cannot be read). */
  private Instant earliestDeadline() {
    try {
      return Tx.run(
          dataSource,
          c -> {
            try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT min(deadline_at) FROM orders WHERE deadline_at IS NOT NULL");
                ResultSet rs = ps.executeQuery()) {
              Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
              return t == null ? null : t.toInstant();
            }
          });
    } catch (RuntimeException e) {
      return null;
    }
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
