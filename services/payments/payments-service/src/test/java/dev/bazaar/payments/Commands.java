package dev.bazaar.payments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.payments.api.RefundPayment;
import java.time.Instant;
import java.util.UUID;

/** Command envelopes as the orders saga sends them. */
final class Commands {

  static final Money AMOUNT = new Money(3750, "EUR");

  private final ObjectMapper json;

  Commands(ObjectMapper json) {
    this.json = json;
  }

  Envelope authorize(UUID orderId, UUID customerId, String token) {
    return envelope(
        "AuthorizePayment", write(new AuthorizePayment(orderId, customerId, AMOUNT, token)));
  }

  Envelope refund(UUID orderId) {
    return envelope("RefundPayment", write(new RefundPayment(orderId)));
  }

  static Envelope envelope(String type, String payload) {
    return Envelope.create(type, PaymentsContract.VERSION, Instant.now(), null, null, payload);
  }

  private String write(Object command) {
    try {
      return json.writeValueAsString(command);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
