package dev.bazaar.payments.messaging;

import dev.bazaar.chassis.messaging.Messaging;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes the saga's replies to the outbox in the caller's transaction, on {@code bazaar.events}
 * with routing key {@code payments.<type>}; the relay publishes them after the commit.
 */
@ApplicationScoped
public class Replies {

  @Inject Messaging messaging;

  public void publish(Connection tx, List<Record> replies) throws SQLException {
    for (Record reply : replies) {
      messaging.publish(tx, reply);
    }
  }
}
