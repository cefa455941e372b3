package dev.bazaar.payments.messaging;

import dev.bazaar.chassis.db.PollGate;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.payments.config.PaymentsConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Completes pending ({@code tok_slow}) authorizations once the provider's answer is due. The
 * consumer only records them, so a slow payment never holds up the commands behind it; the deadline
 * lives in the database, so after a crash the next start (or another instance) completes it.
 */
@ApplicationScoped
public class PendingPoller {

  private static final Logger LOG = Logger.getLogger(PendingPoller.class);

  @Inject PaymentCommands commands;
  @Inject PaymentsConfig config;
  @Inject Messaging messaging;
  @Inject Clock clock;

  private PollGate gate;

  @PostConstruct
  void init() {
    gate = new PollGate(clock, config.idlePollMax());
  }

  /** A pending authorization recorded by this process is due at {@code due}: look then. */
  public void dueAt(Instant due) {
    gate.dueAt(due);
  }

  @Scheduled(
      identity = "payments-pending-poller",
      every = "${bazaar.payments.poll-interval:1s}",
      delayed = "${bazaar.payments.poll-interval:1s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    // Between due authorizations an idle instance skips the query (PollGate): see idle-poll-max.
    if (gate.shouldLook()) {
      poll();
    }
  }

  /** Completes due authorizations a batch at a time until none are left; never throws. */
  void poll() {
    try {
      int completed;
      do {
        completed = commands.completeDue();
        if (completed > 0) {
          messaging.flush();
        }
      } while (completed >= config.pollBatchSize());
      gate.nothingDue(commands.earliestPendingDue());
    } catch (RuntimeException e) {
      // The rows stay pending and are tried again at the next tick.
      gate.foundWork();
      LOG.warn("completing pending payments failed; will retry", e);
    }
  }
}
