package dev.bazaar.payments.messaging;

import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.PaymentRefunded;
import dev.bazaar.payments.api.PaymentsContract;
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
      messaging.publish(
          tx,
          Topology.EVENTS_EXCHANGE,
          routingKey(reply),
          reply.getClass().getSimpleName(),
          PaymentsContract.VERSION,
          reply);
    }
  }

  static String routingKey(Record reply) {
    return switch (reply) {
      case PaymentAuthorized a -> PaymentsContract.PAYMENT_AUTHORIZED;
      case PaymentDeclined d -> PaymentsContract.PAYMENT_DECLINED;
      case PaymentRefunded r -> PaymentsContract.PAYMENT_REFUNDED;
      default ->
          throw new IllegalArgumentException(
              "payments does not publish " + reply.getClass().getSimpleName());
    };
  }
}
