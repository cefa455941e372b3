package dev.bazaar.notifications;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.orders.api.OrderCancelled;
import dev.bazaar.orders.api.OrderConfirmed;
import dev.bazaar.orders.api.OrderLine;
import dev.bazaar.orders.api.OrderPlaced;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.users.api.UserRegistered;
import dev.bazaar.users.api.UsersContract;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Envelopes as the users and orders services publish them. */
final class Events {

  private final ObjectMapper json;

  Events(ObjectMapper json) {
    this.json = json;
  }

  Envelope userRegistered(UUID userId, String name) {
    return envelope(
        UsersContract.USER_REGISTERED_TYPE,
        UsersContract.USER_REGISTERED_VERSION,
        write(new UserRegistered(userId, userId + "@example.com", name, Instant.now())));
  }

  /** Three items (2 + 1) for 37.50 EUR. */
  Envelope orderPlaced(UUID customerId, UUID orderId) {
    OrderPlaced event =
        new OrderPlaced(
            orderId,
            customerId,
            List.of(line("Mug", 2, 1250), line("Tea", 1, 1250)),
            new Money(3750, "EUR"),
            Instant.now());
    return orderPlacedWithPayload(write(event));
  }

  /** The saga completed for 37.50 EUR. */
  Envelope orderConfirmed(UUID customerId, UUID orderId) {
    return envelope(
        OrderConfirmed.class.getSimpleName(),
        OrdersContract.OUTCOME_VERSION,
        write(new OrderConfirmed(orderId, customerId, new Money(3750, "EUR"), Instant.now())));
  }

  /** {@code reason} is one of the contract's {@code REASON_*} codes. */
  Envelope orderCancelled(UUID customerId, UUID orderId, String reason) {
    return envelope(
        OrderCancelled.class.getSimpleName(),
        OrdersContract.OUTCOME_VERSION,
        write(new OrderCancelled(orderId, customerId, reason, Instant.now())));
  }

  Envelope orderPlacedWithPayload(String payload) {
    return envelope(OrdersContract.ORDER_PLACED_TYPE, OrdersContract.ORDER_PLACED_VERSION, payload);
  }

  static Envelope envelope(String type, int version, String payload) {
    return Envelope.create(type, version, Instant.now(), null, null, payload);
  }

  private static OrderLine line(String name, int quantity, long unitPrice) {
    return new OrderLine(
        UUID.randomUUID(),
        name,
        quantity,
        new Money(unitPrice, "EUR"),
        new Money(unitPrice * quantity, "EUR"));
  }

  private String write(Object event) {
    try {
      return json.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
