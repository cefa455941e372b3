package dev.bazaar.notifications.messaging;

import dev.bazaar.chassis.inbox.InboxConsumer;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.notifications.domain.Notification;
import dev.bazaar.notifications.persistence.NotificationRepository;
import dev.bazaar.orders.api.OrderCancelled;
import dev.bazaar.orders.api.OrderConfirmed;
import dev.bazaar.orders.api.OrderPlaced;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.users.api.UserRegistered;
import dev.bazaar.users.api.UsersContract;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Consumes the events notifications are made from. The chassis runs {@link #handle} in the
 * transaction that records the message in the inbox and acks only after it commits; a failure is
 * retried and finally parked on {@code notifications.events.parked}.
 */
@ApplicationScoped
public class EventsConsumer {

  /** The durable queue of this service; failures end up on {@code notifications.events.parked}. */
  public static final String QUEUE = "notifications.events";

  /** Message types are the records' simple names; the contract names only their routing keys. */
  static final String ORDER_CONFIRMED_TYPE = "OrderConfirmed";

  static final String ORDER_CANCELLED_TYPE = "OrderCancelled";

  private static final Logger LOG = Logger.getLogger(EventsConsumer.class);

  @Inject Messaging messaging;
  @Inject NotificationRepository notifications;

  // Runs after the chassis' Messaging start-up (priority 10), which opens the broker connection.
  void subscribe(@Observes StartupEvent event) {
    messaging.subscribe(
        QUEUE,
        List.of(
            new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, UsersContract.USER_REGISTERED),
            new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, OrdersContract.ORDER_PLACED),
            new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, OrdersContract.ORDER_CONFIRMED),
            new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, OrdersContract.ORDER_CANCELLED)),
        this::handle);
  }

  void handle(Connection tx, Envelope envelope) throws SQLException {
    Notification notification =
        switch (envelope.type()) {
          case UsersContract.USER_REGISTERED_TYPE ->
              EventNotifications.welcome(
                  UUID.randomUUID(), envelope.id(), messaging.read(envelope, UserRegistered.class));
          case OrdersContract.ORDER_PLACED_TYPE ->
              EventNotifications.orderReceived(
                  UUID.randomUUID(), envelope.id(), messaging.read(envelope, OrderPlaced.class));
          case ORDER_CONFIRMED_TYPE ->
              EventNotifications.orderConfirmed(
                  UUID.randomUUID(), envelope.id(), messaging.read(envelope, OrderConfirmed.class));
          case ORDER_CANCELLED_TYPE ->
              EventNotifications.orderCancelled(
                  UUID.randomUUID(), envelope.id(), messaging.read(envelope, OrderCancelled.class));
          default -> null;
        };
    if (notification == null) {
      // Acked, not failed: a type this service has no notification for is not a poison message.
      LOG.infof("ignoring %s %s: no notification for this type", envelope.type(), envelope.id());
      return;
    }
    if (notifications.insert(tx, notification)) {
      LOG.debugf(
          "%s notification for user %s from %s %s",
          notification.kind(), notification.userId(), envelope.type(), envelope.id());
    } else {
      LOG.debugf("notification from %s %s already exists", envelope.type(), envelope.id());
    }
  }
}
