package dev.bazaar.payments.messaging;

import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.payments.config.PaymentsConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  private ScheduledExecutorService executor;

  void start(@Observes StartupEvent event) {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("payments-pending-poller").factory());
    long every = Math.max(1, config.pollInterval().toMillis());
    executor.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    if (executor != null) {
      executor.shutdown();
      executor.awaitTermination(5, TimeUnit.SECONDS);
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
    } catch (RuntimeException e) {
      // The rows stay pending and are tried again at the next tick.
      LOG.warn("completing pending payments failed; will retry", e);
    }
  }
}
