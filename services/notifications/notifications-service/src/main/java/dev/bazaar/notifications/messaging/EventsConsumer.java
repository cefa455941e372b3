package dev.bazaar.notifications.messaging;

import dev.bazaar.chassis.inbox.Handlers;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.notifications.domain.Notification;
import dev.bazaar.notifications.persistence.NotificationRepository;
import dev.bazaar.orders.api.OrderCancelled;
import dev.bazaar.orders.api.OrderConfirmed;
import dev.bazaar.orders.api.OrderPlaced;
import dev.bazaar.users.api.UserRegistered;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
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

  private static final Logger LOG = Logger.getLogger(EventsConsumer.class);

  @Inject Messaging messaging;
  @Inject NotificationRepository notifications;

  private volatile Handlers handlers;

  // Runs after the chassis' Messaging start-up (priority 10), which opens the broker connection.
  void subscribe(@Observes StartupEvent event) {
    messaging.subscribe(QUEUE, handlers());
  }

  /** One handler per event this service turns into a notification; the queue binds each. */
  Handlers handlers() {
    if (handlers == null) {
      handlers =
          messaging
              .handlers()
              .on(
                  UserRegistered.class,
                  (tx, e, m) ->
                      store(tx, e, EventNotifications.welcome(UUID.randomUUID(), e.id(), m)))
              .on(
                  OrderPlaced.class,
                  (tx, e, m) ->
                      store(tx, e, EventNotifications.orderReceived(UUID.randomUUID(), e.id(), m)))
              .on(
                  OrderConfirmed.class,
                  (tx, e, m) ->
                      store(tx, e, EventNotifications.orderConfirmed(UUID.randomUUID(), e.id(), m)))
              .on(
                  OrderCancelled.class,
                  (tx, e, m) ->
                      store(tx, e, EventNotifications.orderCancelled(UUID.randomUUID(), e.id(), m)))
              .build();
    }
    return handlers;
  }

  void handle(Connection tx, Envelope envelope) throws Exception {
    handlers().handle(tx, envelope);
  }

  private void store(Connection tx, Envelope envelope, Notification notification)
      throws SQLException {
    if (notifications.insert(tx, notification)) {
      LOG.debugf(
          "%s notification for user %s from %s %s",
          notification.kind(), notification.userId(), envelope.type(), envelope.id());
    } else {
      LOG.debugf("notification from %s %s already exists", envelope.type(), envelope.id());
    }
  }
}
