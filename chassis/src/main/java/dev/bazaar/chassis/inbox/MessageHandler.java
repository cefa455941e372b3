package dev.bazaar.chassis.inbox;

import dev.bazaar.chassis.messaging.Envelope;
import java.sql.Connection;

/** Handles one message inside the transaction that also records it in the inbox. */
@FunctionalInterface
public interface MessageHandler {
  void handle(Connection tx, Envelope envelope) throws Exception;
}
