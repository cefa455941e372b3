package dev.bazaar.payments.messaging;

import dev.bazaar.chassis.config.ChassisConfig;
import dev.bazaar.chassis.inbox.Handlers;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.payments.api.RefundPayment;
import dev.bazaar.payments.config.PaymentsConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import org.jboss.logging.Logger;

/**
 * Consumes {@code payments.commands}. The chassis runs {@link #handle} in the transaction that
 * records the message in the inbox and acks only after it commits; a failure (such as the
 * provider's transient {@code tok_error} failures) rolls that back and is retried with {@code
 * x-bazaar-attempts}, and parked on {@code payments.commands.parked} after {@code
 * bazaar.inbox.max-attempts}.
 */
@ApplicationScoped
public class CommandsConsumer {

  private static final Logger LOG = Logger.getLogger(CommandsConsumer.class);

  @Inject Messaging messaging;
  @Inject PaymentCommands commands;
  @Inject PaymentsConfig config;
  @Inject ChassisConfig.Inbox inbox;

  // Runs after the chassis' Messaging start-up (priority 10), which opens the broker connection.
  void subscribe(@Observes StartupEvent event) {
    if (config.errorFailures() >= inbox.maxAttempts()) {
      LOG.warnf(
          "bazaar.payments.error-failures (%d) is not below bazaar.inbox.max-attempts (%d):"
              + " tok_error payments will be parked instead of authorized",
          config.errorFailures(), inbox.maxAttempts());
    }
    messaging.subscribe(PaymentsContract.COMMANDS_QUEUE, handlers());
  }

  private volatile Handlers handlers;

  Handlers handlers() {
    if (handlers == null) {
      handlers =
          messaging
              .handlers()
              .on(AuthorizePayment.class, (tx, e, command) -> commands.authorize(tx, command))
              .on(RefundPayment.class, (tx, e, command) -> commands.refund(tx, command))
              .build();
    }
    return handlers;
  }

  void handle(Connection tx, Envelope envelope) throws Exception {
    handlers().handle(tx, envelope);
  }
}
