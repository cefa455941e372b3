package dev.bazaar.catalog.messaging;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.chassis.messaging.Messaging;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Consumes {@code catalog.commands} (bound to {@code bazaar.commands} with {@code catalog.*}). The
 * chassis runs {@link StockCommands#handle} in the transaction that records the message in the
 * inbox and acks after it commits; failures are retried and finally parked on {@code
 * catalog.commands.parked}.
 */
@ApplicationScoped
public class CommandsConsumer {

  @Inject Messaging messaging;
  @Inject StockCommands commands;

  // Runs after the chassis' Messaging start-up (priority 10), which opens the broker connection.
  void subscribe(@Observes StartupEvent event) {
    messaging.subscribe(CatalogContract.COMMANDS_QUEUE, commands.handlers());
  }
}
