package dev.bazaar.gateway.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** How payments' {@code {"items": [...]}} answer becomes the order details' payment part. */
class OrderDetailsPaymentTest {

  @Test
  void theOnlyItemIsThePayment() {
    JsonObject payment = new JsonObject().put("id", "pay-1").put("status", "REFUNDED");
    assertThat(
            OrderDetailsFilter.payment(new JsonObject().put("items", new JsonArray().add(payment))))
        .isEqualTo(payment);
  }

  @Test
  void noItemsMeansNoPaymentYet() {
    assertThat(OrderDetailsFilter.payment(new JsonObject().put("items", new JsonArray())))
        .isEqualTo(new JsonObject().put("status", "none"));
  }

  @Test
  void anUnavailablePartStaysUnavailable() {
    assertThat(OrderDetailsFilter.payment(OrderDetailsFilter.unavailable()))
        .isEqualTo(OrderDetailsFilter.unavailable());
    assertThat(
            OrderDetailsFilter.payment(
                new JsonObject().put("items", new JsonArray().add("not an object"))))
        .isEqualTo(OrderDetailsFilter.unavailable());
  }
}
