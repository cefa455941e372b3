package dev.bazaar.notifications.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.notifications.domain.Kind;
import dev.bazaar.notifications.domain.Notification;
import dev.bazaar.orders.api.OrderCancelled;
import dev.bazaar.orders.api.OrderConfirmed;
import dev.bazaar.orders.api.OrderLine;
import dev.bazaar.orders.api.OrderPlaced;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.users.api.UserRegistered;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventNotificationsTest {

  private static final UUID ID = UUID.randomUUID();
  private static final UUID SOURCE = UUID.randomUUID();
  private static final UUID USER = UUID.randomUUID();
  private static final UUID ORDER = UUID.fromString("1a2b3c4d-0000-4000-8000-000000000001");

  static OrderLine line(int quantity, long unitPrice) {
    return new OrderLine(
        UUID.randomUUID(),
        "thing",
        quantity,
        new Money(unitPrice, "EUR"),
        new Money(unitPrice * quantity, "EUR"));
  }

  @Test
  void userRegisteredBecomesAWelcome() {
    Notification n =
        EventNotifications.welcome(
            ID, SOURCE, new UserRegistered(USER, "ada@example.com", "Ada", Instant.now()));
    assertThat(n)
        .isEqualTo(
            new Notification(ID, USER, Kind.WELCOME, "Welcome to Bazaar, Ada!", null, SOURCE));
  }

  @Test
  void orderPlacedBecomesAnOrderReceivedForTheCustomer() {
    OrderPlaced event =
        new OrderPlaced(
            ORDER,
            USER,
            List.of(line(2, 1250), line(1, 1250)),
            new Money(3750, "EUR"),
            Instant.now());
    Notification n = EventNotifications.orderReceived(ID, SOURCE, event);
    assertThat(n.userId()).isEqualTo(USER);
    assertThat(n.kind()).isEqualTo(Kind.ORDER_RECEIVED);
    assertThat(n.orderId()).isEqualTo(ORDER);
    assertThat(n.sourceMessageId()).isEqualTo(SOURCE);
    assertThat(n.message())
        .isEqualTo(
            "Order received, we are processing it: 3 items, total 37.50 EUR (order 1a2b3c4d)");
  }

  @Test
  void anOrderWithoutLinesHasNoItems() {
    OrderPlaced event = new OrderPlaced(ORDER, USER, null, new Money(0, "EUR"), Instant.now());
    assertThat(EventNotifications.orderReceived(ID, SOURCE, event).message())
        .startsWith("Order received, we are processing it: 0 items, total 0.00 EUR");
  }

  @Test
  void orderConfirmedTellsTheCustomerTheTotal() {
    Notification n =
        EventNotifications.orderConfirmed(
            ID, SOURCE, new OrderConfirmed(ORDER, USER, new Money(3750, "EUR"), Instant.now()));
    assertThat(n)
        .isEqualTo(
            new Notification(
                ID,
                USER,
                Kind.ORDER_CONFIRMED,
                "Order 1a2b3c4d confirmed: 37.50 EUR",
                ORDER,
                SOURCE));
  }

  @Test
  void orderCancelledTellsTheCustomerWhy() {
    Notification n =
        EventNotifications.orderCancelled(
            ID,
            SOURCE,
            new OrderCancelled(ORDER, USER, OrdersContract.REASON_PAYMENT_DECLINED, Instant.now()));
    assertThat(n)
        .isEqualTo(
            new Notification(
                ID,
                USER,
                Kind.ORDER_CANCELLED,
                "Order 1a2b3c4d cancelled: payment declined",
                ORDER,
                SOURCE));
  }

  @Test
  void outcomesMissingTheCustomerAreRejected() {
    assertThatThrownBy(
            () ->
                EventNotifications.orderConfirmed(
                    ID, SOURCE, new OrderConfirmed(ORDER, null, new Money(1, "EUR"), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("customerId");
    assertThatThrownBy(
            () ->
                EventNotifications.orderConfirmed(
                    ID, SOURCE, new OrderConfirmed(ORDER, USER, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("total");
    assertThatThrownBy(
            () ->
                EventNotifications.orderCancelled(
                    ID, SOURCE, new OrderCancelled(null, USER, "TIMED_OUT", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orderId");
  }

  @Test
  void eventsMissingWhatANotificationNeedsAreRejected() {
    assertThatThrownBy(
            () ->
                EventNotifications.welcome(
                    ID, SOURCE, new UserRegistered(null, "a@example.com", "Ada", Instant.now())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("userId");
    assertThatThrownBy(
            () ->
                EventNotifications.orderReceived(
                    ID, SOURCE, new OrderPlaced(ORDER, null, List.of(), null, Instant.now())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("customerId");
    assertThatThrownBy(
            () ->
                EventNotifications.orderReceived(
                    ID, SOURCE, new OrderPlaced(ORDER, USER, List.of(), null, Instant.now())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("total");
  }
}
