package dev.bazaar.system;

import static dev.bazaar.system.TourIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The order saga black-box through the gateway: stock reservation, payment, commit, and every way
 * an order can end cancelled, with the invariants a shop relies on (stock, charges) checked after.
 */
class SagaIT {

  static BazaarSystem system;
  static Api api;
  static String admin;

  @BeforeAll
  static void boot() throws Exception {
    // tok_slow answers after 2 s: long enough to cancel an order while it waits for payment.
    system = BazaarSystem.onConfiguredInfra("saga", Map.of("BAZAAR_PAYMENTS_SLOW_DELAY", "2s"));
    system.up();
    api = new Api(system.gateway());
    admin = api.login("admin@bazaar.local", system.adminPassword());
  }

  @AfterAll
  static void shutdown() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  static String product(int stock) throws Exception {
    return api.createProduct(admin, "Saga kettle " + UUID.randomUUID(), 1_250, stock);
  }

  static List<String> steps(JsonNode order) {
    List<String> out = new ArrayList<>();
    order
        .get("steps")
        .forEach(s -> out.add(s.get("step").asText() + ":" + s.get("outcome").asText()));
    return out;
  }

  @Test
  void happyPathConfirmsChargesOnceAndTakesTheStock() throws Exception {
    Api.Customer ada = api.newCustomer("Ada");
    String productId = product(5);

    Api.Reply placed = api.order(ada.token(), productId, 2, "tok_ok");
    assertThat(placed.status()).as(placed.raw().body()).isEqualTo(202);
    String orderId = placed.json().get("id").asText();
    assertThat(placed.header("Location")).endsWith("/api/v1/orders/" + orderId);
    assertThat(placed.json().get("status").asText()).isEqualTo("PENDING");

    JsonNode order = api.awaitFinal(orderId, ada.token());
    assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
    assertThat(order.get("reason").isNull() || order.get("reason").isMissingNode()).isTrue();
    assertThat(String.join(",", steps(order)))
        .contains("RESERVE_STOCK")
        .contains("AUTHORIZE_PAYMENT")
        .contains("COMMIT_STOCK");
    order.get("steps").forEach(s -> assertThat(s.get("at").asText()).isNotBlank());

    assertThat(api.stock(productId, ada.token())).isEqualTo(3);
    JsonNode payments = api.payments(orderId, ada.token());
    assertThat(payments).hasSize(1);
    assertThat(payments.get(0).get("status").asText()).isEqualTo("AUTHORIZED");
    assertThat(payments.get(0).get("amount").get("amount").asLong()).isEqualTo(2_500);
    assertThat(payments.get(0).get("orderId").asText()).isEqualTo(orderId);

    // Another customer learns nothing about the payment.
    Api.Customer bob = api.newCustomer("Bob");
    assertThat(api.payments(orderId, bob.token())).isEmpty();
    assertThat(api.payments(orderId, admin)).hasSize(1);

    // The customer is told the outcome.
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertThat(
                        api.get("/api/v1/notifications", ada.token())
                            .json()
                            .get("items")
                            .findValuesAsText("message"))
                    .anySatisfy(m -> assertThat(m.toLowerCase()).contains("confirmed")));

    // A confirmed order cannot be cancelled.
    assertProblem(api.post("/api/v1/orders/" + orderId + "/cancel", "", ada.token()), 409);
  }

  @Test
  void outOfStockCancelsWithoutCharging() throws Exception {
    Api.Customer c = api.newCustomer("Cy");
    String productId = product(1);
    String orderId = api.order(c.token(), productId, 2, "tok_ok").json().get("id").asText();

    JsonNode order = api.awaitFinal(orderId, c.token());
    assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
    assertThat(order.get("reason").asText()).isEqualTo("OUT_OF_STOCK");
    assertThat(api.payments(orderId, c.token())).isEmpty();
    assertThat(api.stock(productId, c.token())).isEqualTo(1);
  }

  @Test
  void declinedPaymentRestoresTheStockExactly() throws Exception {
    Api.Customer c = api.newCustomer("Dee");
    String productId = product(5);
    String orderId = api.order(c.token(), productId, 3, "tok_declined").json().get("id").asText();

    JsonNode order = api.awaitFinal(orderId, c.token());
    assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
    assertThat(order.get("reason").asText()).isEqualTo("PAYMENT_DECLINED");
    assertThat(String.join(",", steps(order))).contains("RELEASE_STOCK");
    // CANCELLED is shown only after the compensation: the stock is back already.
    assertThat(api.stock(productId, c.token())).isEqualTo(5);
    assertThat(api.payments(orderId, c.token()).findValuesAsText("status"))
        .doesNotContain("AUTHORIZED");
  }

  @Test
  void transientProviderErrorsAreRetriedAndChargeOnce() throws Exception {
    Api.Customer c = api.newCustomer("Eli");
    String productId = product(5);
    String orderId = api.order(c.token(), productId, 1, "tok_error").json().get("id").asText();

    JsonNode order = api.awaitFinal(orderId, c.token());
    assertThat(order.get("status").asText()).isEqualTo("CONFIRMED");
    assertThat(api.payments(orderId, c.token()).findValuesAsText("status"))
        .containsExactly("AUTHORIZED");
    assertThat(api.stock(productId, c.token())).isEqualTo(4);
  }

  @Test
  void customerCancelsWhilePending() throws Exception {
    Api.Customer c = api.newCustomer("Fay");
    String productId = product(4);
    String orderId = api.order(c.token(), productId, 2, "tok_slow").json().get("id").asText();

    Api.Reply cancel = api.post("/api/v1/orders/" + orderId + "/cancel", "", c.token());
    assertThat(cancel.status()).as(cancel.raw().body()).isEqualTo(202);

    // Only the owner may cancel; to anyone else the order does not exist.
    Api.Customer other = api.newCustomer("Gus");
    assertProblem(api.post("/api/v1/orders/" + orderId + "/cancel", "", other.token()), 404);

    JsonNode order = api.awaitFinal(orderId, c.token(), Duration.ofSeconds(30));
    assertThat(order.get("status").asText()).isEqualTo("CANCELLED");
    assertThat(order.get("reason").asText()).isEqualTo("CANCELLED_BY_CUSTOMER");
    assertThat(api.stock(productId, c.token())).isEqualTo(4);
    // The slow authorization may still complete at the provider: it must end refunded, never
    // charged. Wait past the provider's delay before looking.
    Thread.sleep(2_500);
    assertThat(api.payments(orderId, c.token()).findValuesAsText("status"))
        .doesNotContain("AUTHORIZED");
    assertProblem(api.post("/api/v1/orders/" + orderId + "/cancel", "", c.token()), 409);
  }

  @Test
  void idempotencyKeyReplaysTheFirstAnswer() throws Exception {
    Api.Customer c = api.newCustomer("Hal");
    String productId = product(10);
    String key = "order-" + UUID.randomUUID();
    String body =
        Api.JSON.writeValueAsString(
            Map.of(
                "items",
                List.of(Map.of("productId", productId, "quantity", 1)),
                "paymentToken",
                "tok_ok"));

    Api.Reply first = api.sendWithKey("POST", "/api/v1/orders", body, c.token(), key);
    assertThat(first.status()).as(first.raw().body()).isEqualTo(202);
    Api.Reply again = api.sendWithKey("POST", "/api/v1/orders", body, c.token(), key);
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));

    String other =
        Api.JSON.writeValueAsString(
            Map.of(
                "items",
                List.of(Map.of("productId", productId, "quantity", 2)),
                "paymentToken",
                "tok_ok"));
    assertProblem(api.sendWithKey("POST", "/api/v1/orders", other, c.token(), key), 422);

    api.awaitFinal(first.json().get("id").asText(), c.token());
    assertThat(api.get("/api/v1/orders", c.token()).json().get("items")).hasSize(1);
    assertThat(api.stock(productId, c.token())).isEqualTo(9);

    // Without the header every request is a new order.
    assertThat(api.post("/api/v1/orders", body, c.token()).status()).isEqualTo(202);
    assertThat(api.post("/api/v1/orders", body, c.token()).status()).isEqualTo(202);
    assertThat(api.get("/api/v1/orders", c.token()).json().get("items")).hasSize(3);
  }

  @Test
  void fortyConcurrentOrdersForTenUnits() throws Exception {
    String productId = product(10);
    List<Api.Customer> customers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      customers.add(api.newCustomer("Rush " + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(40);
    List<Callable<String[]>> orders = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Api.Customer c = customers.get(i % customers.size());
      orders.add(
          () -> {
            Api.Reply r = api.order(c.token(), productId, 1, "tok_ok");
            assertThat(r.status()).as(r.raw().body()).isEqualTo(202);
            return new String[] {r.json().get("id").asText(), c.token()};
          });
    }
    List<String[]> placed = new ArrayList<>();
    try {
      for (Future<String[]> f : pool.invokeAll(orders)) {
        placed.add(f.get());
      }
    } finally {
      pool.shutdown();
    }

    int confirmed = 0;
    int outOfStock = 0;
    for (String[] o : placed) {
      JsonNode order = api.awaitFinal(o[0], o[1], Duration.ofSeconds(60));
      if (order.get("status").asText().equals("CONFIRMED")) {
        confirmed++;
        assertThat(api.payments(o[0], o[1]).findValuesAsText("status"))
            .containsExactly("AUTHORIZED");
      } else {
        assertThat(order.get("reason").asText()).isEqualTo("OUT_OF_STOCK");
        assertThat(api.payments(o[0], o[1])).isEmpty();
        outOfStock++;
      }
    }
    assertThat(confirmed).isEqualTo(10);
    assertThat(outOfStock).isEqualTo(30);
    assertThat(api.stock(productId, admin)).isZero();
  }

  @Test
  void productWritesAreForAdminsOnly() throws Exception {
    Api.Customer c = api.newCustomer("Ivy");
    Map<String, Object> product =
        Map.of(
            "name",
            "Not allowed",
            "description",
            "x",
            "price",
            Map.of("amount", 100, "currency", "EUR"),
            "stock",
            1);
    assertProblem(api.post("/api/v1/products", product, null), 401);
    assertProblem(api.post("/api/v1/products", product, c.token()), 403);

    String productId = product(3);
    assertProblem(
        api.put("/api/v1/products/" + productId + "/stock", Map.of("stock", 9), c.token()), 403);
    Api.Reply set = api.put("/api/v1/products/" + productId + "/stock", Map.of("stock", 7), admin);
    assertThat(set.status()).as(set.raw().body()).isEqualTo(200);
    assertThat(set.json().get("stock").asInt()).isEqualTo(7);
    // Anonymous readers see the new stock at once, cache or not.
    assertThat(api.get("/api/v1/products/" + productId, null).json().get("stock").asInt())
        .isEqualTo(7);
    assertProblem(
        api.put("/api/v1/products/" + productId + "/stock", Map.of("stock", -1), admin), 400);
  }
}
