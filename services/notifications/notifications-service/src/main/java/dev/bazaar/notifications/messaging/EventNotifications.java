package dev.bazaar.notifications.messaging;

import dev.bazaar.notifications.domain.Kind;
import dev.bazaar.notifications.domain.Notification;
import dev.bazaar.notifications.domain.NotificationTexts;
import dev.bazaar.orders.api.OrderCancelled;
import dev.bazaar.orders.api.OrderConfirmed;
import dev.bazaar.orders.api.OrderLine;
import dev.bazaar.orders.api.OrderPlaced;
import dev.bazaar.users.api.UserRegistered;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Turns the events notifications consumes into notifications. Plain functions; an event that lacks
 * what a notification needs throws {@link IllegalArgumentException}, so the consumer retries and
 * finally parks it instead of storing a broken notification.
 */
final class EventNotifications {

  private EventNotifications() {}

  static Notification welcome(UUID id, UUID sourceMessageId, UserRegistered event) {
    require(event.userId() != null, "UserRegistered has no userId");
    return new Notification(
        id,
        event.userId(),
        Kind.WELCOME,
        NotificationTexts.welcome(event.name()),
        null,
        sourceMessageId);
  }

  static Notification orderReceived(UUID id, UUID sourceMessageId, OrderPlaced event) {
    require(event.orderId() != null, "OrderPlaced has no orderId");
    require(event.customerId() != null, "OrderPlaced has no customerId");
    require(event.total() != null, "OrderPlaced has no total");
    return new Notification(
        id,
        event.customerId(),
        Kind.ORDER_RECEIVED,
        NotificationTexts.orderReceived(
            event.orderId(),
            itemCount(event.items()),
            event.total().amount(),
            event.total().currency()),
        event.orderId(),
        sourceMessageId);
  }

  static Notification orderConfirmed(UUID id, UUID sourceMessageId, OrderConfirmed event) {
    require(event.orderId() != null, "OrderConfirmed has no orderId");
    require(event.customerId() != null, "OrderConfirmed has no customerId");
    require(event.total() != null, "OrderConfirmed has no total");
    return new Notification(
        id,
        event.customerId(),
        Kind.ORDER_CONFIRMED,
        NotificationTexts.orderConfirmed(
            event.orderId(), event.total().amount(), event.total().currency()),
        event.orderId(),
        sourceMessageId);
  }

  static Notification orderCancelled(UUID id, UUID sourceMessageId, OrderCancelled event) {
    require(event.orderId() != null, "OrderCancelled has no orderId");
    require(event.customerId() != null, "OrderCancelled has no customerId");
    return new Notification(
        id,
        event.customerId(),
        Kind.ORDER_CANCELLED,
        NotificationTexts.orderCancelled(event.orderId(), event.reason()),
        event.orderId(),
        sourceMessageId);
  }

  /** Units ordered across all lines: two of one product and one of another are three items. */
  static int itemCount(List<OrderLine> lines) {
    if (lines == null) {
      return 0;
    }
    return lines.stream().filter(Objects::nonNull).mapToInt(l -> Math.max(l.quantity(), 0)).sum();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
