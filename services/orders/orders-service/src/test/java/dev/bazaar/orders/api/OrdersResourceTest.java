package dev.bazaar.orders.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.orders.catalog.CatalogMother;
import dev.bazaar.orders.catalog.FakeCatalog;
import dev.bazaar.payments.api.PaymentTokens;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(InfraResource.class)
@WithTestResource(FakeCatalog.class)
class OrdersResourceTest {

  static final String PROBLEM = "application/problem+json";
  static final String PROBLEMS = "https://bazaar.dev/problems/";

  @Inject DataSource dataSource;
  @Inject CircuitBreakerMaintenance breakers;

  UUID customer;
  String token;

  @BeforeEach
  void freshCustomerAndClosedBreaker() {
    // Tests that make catalog fail open the breaker; every other test starts with it closed.
    breakers.resetAll();
    customer = UUID.randomUUID();
    token = TestTokens.customer(customer);
  }

  static Map<String, Object> line(String productId, Object quantity) {
    return Map.of("productId", productId, "quantity", quantity);
  }

  /** Posts an order; a map body without a payment token gets the authorizing one. */
  ValidatableResponse place(String bearer, Object body) {
    if (body instanceof Map<?, ?> map
        && map.containsKey("items")
        && !map.containsKey("paymentToken")) {
      Map<Object, Object> withToken = new java.util.HashMap<>(map);
      withToken.put("paymentToken", PaymentTokens.OK);
      body = withToken;
    }
    return given()
        .auth()
        .oauth2(bearer)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/v1/orders")
        .then();
  }

  long ordersOf(UUID customerId) throws Exception {
    try (java.sql.Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM orders WHERE customer_id = ?")) {
      ps.setObject(1, customerId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void placesAnOrderPricedByCatalogIgnoringClientPrices() throws Exception {
    Map<String, Object> mugWithAFakePrice =
        Map.of(
            "productId",
            CatalogMother.MUG.id(),
            "quantity",
            2,
            "name",
            "Free mug",
            "unitPrice",
            Map.of("amount", 1, "currency", "EUR"));
    String location =
        place(
                token,
                Map.of(
                    "items",
                    List.of(mugWithAFakePrice, line(CatalogMother.TEA.id(), 3)),
                    "total",
                    Map.of("amount", 1, "currency", "EUR")))
            .statusCode(202)
            .contentType(ContentType.JSON)
            .header("Location", startsWith("/api/v1/orders/"))
            .body("status", equalTo("PENDING"))
            .body("reason", nullValue())
            .body("steps", hasSize(1))
            .body("steps[0].step", equalTo("RESERVE_STOCK"))
            .body("steps[0].outcome", equalTo("STARTED"))
            .body("steps[0].at", notNullValue())
            .body("items", hasSize(2))
            .body("items[0].productId", equalTo(CatalogMother.MUG.id()))
            .body("items[0].name", equalTo("Enamel Mug"))
            .body("items[0].quantity", equalTo(2))
            .body("items[0].unitPrice.amount", equalTo(1250))
            .body("items[0].unitPrice.currency", equalTo("EUR"))
            .body("items[0].lineTotal.amount", equalTo(2500))
            .body("items[1].name", equalTo("Sencha Tea"))
            .body("items[1].lineTotal.amount", equalTo(1350))
            .body("total.amount", equalTo(3850))
            .body("total.currency", equalTo("EUR"))
            .body("createdAt", notNullValue())
            .extract()
            .header("Location");
    String id = location.substring(location.lastIndexOf('/') + 1);
    given()
        .auth()
        .oauth2(token)
        .get(location)
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("status", equalTo("PENDING"))
        .body("steps[0].step", equalTo("RESERVE_STOCK"))
        .body("total.amount", equalTo(3850))
        .body("items[0].lineTotal.amount", equalTo(2500));
    assertThat(ordersOf(customer)).isEqualTo(1);
  }

  @Test
  void placingPublishesOrderPlacedThroughTheOutbox() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ConfigProvider.getConfig().getValue("bazaar.amqp.url", String.class));
    try (Connection conn = f.newConnection();
        Channel ch = conn.createChannel()) {
      ch.exchangeDeclare("bazaar.events", "topic", true);
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, "bazaar.events", "orders.OrderPlaced");
      String id =
          place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), 1))))
              .statusCode(202)
              .extract()
              .path("id");
      GetResponse[] got = new GetResponse[1];
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                // Other tests place orders too; wait for this one.
                GetResponse r;
                while ((r = ch.basicGet(q, true)) != null) {
                  if (new String(r.getBody(), StandardCharsets.UTF_8).contains(id)) {
                    got[0] = r;
                    return true;
                  }
                }
                return false;
              });
      assertThat(got[0].getEnvelope().getExchange()).isEqualTo("bazaar.events");
      assertThat(got[0].getEnvelope().getRoutingKey()).isEqualTo("orders.OrderPlaced");
      assertThat(got[0].getProps().getType()).isEqualTo("OrderPlaced");
      assertThat(got[0].getProps().getMessageId()).isNotBlank();
      JsonPath event = JsonPath.from(new String(got[0].getBody(), StandardCharsets.UTF_8));
      assertThat(event.getString("orderId")).isEqualTo(id);
      assertThat(event.getString("customerId")).isEqualTo(customer.toString());
      assertThat(event.getString("items[0].productId")).isEqualTo(CatalogMother.MUG.id());
      assertThat(event.getLong("items[0].unitPrice.amount")).isEqualTo(1250);
      assertThat(event.getLong("total.amount")).isEqualTo(1250);
      assertThat(event.getString("total.currency")).isEqualTo("EUR");
    }
  }

  @Test
  void forwardsRequestIdAndTraceToCatalog() {
    String traceId = "0af7651916cd43dd8448eb211c80319c";
    String name =
        given()
            .auth()
            .oauth2(token)
            .header("X-Request-Id", "order-req-1")
            .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
            .contentType(ContentType.JSON)
            .body(Map.of("items", List.of(line(CatalogMother.ECHO, 1)), "paymentToken", "tok_ok"))
            .post("/api/v1/orders")
            .then()
            .statusCode(202)
            .extract()
            .path("items[0].name");
    // Same request id; same trace, continued with this service's own span id.
    assertThat(name).startsWith("rid=order-req-1 tp=00-" + traceId + "-").endsWith("-01");
  }

  @Test
  void unknownProductIsUnprocessableAndWritesNothing() throws Exception {
    place(
            token,
            Map.of(
                "items", List.of(line(CatalogMother.MUG.id(), 1), line(CatalogMother.UNKNOWN, 1))))
        .statusCode(422)
        .contentType(PROBLEM)
        .body("type", equalTo(PROBLEMS + "unknown-product"))
        .body("detail", equalTo("unknown product " + CatalogMother.UNKNOWN));
    assertThat(ordersOf(customer)).isZero();
  }

  @Test
  void mixedCurrenciesAreUnprocessable() throws Exception {
    place(
            token,
            Map.of(
                "items", List.of(line(CatalogMother.MUG.id(), 1), line(CatalogMother.CAP.id(), 1))))
        .statusCode(422)
        .contentType(PROBLEM)
        .body("type", equalTo(PROBLEMS + "currency-mismatch"));
    assertThat(ordersOf(customer)).isZero();
  }

  @Test
  void catalogDownIsAQuick503AndWritesNothing() throws Exception {
    for (String broken : List.of(CatalogMother.DROPPING, CatalogMother.FAILING)) {
      breakers.resetAll();
      long start = System.nanoTime();
      place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), 1), line(broken, 1))))
          .statusCode(503)
          .contentType(PROBLEM)
          .header("Retry-After", notNullValue())
          .body("type", equalTo(PROBLEMS + "upstream-unavailable"));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(ordersOf(customer)).isZero();
  }

  @Test
  void aTransientCatalogFailureIsRetried() {
    given()
        .auth()
        .oauth2(token)
        .header("X-Request-Id", "flaky-" + UUID.randomUUID())
        .contentType(ContentType.JSON)
        .body(Map.of("items", List.of(line(CatalogMother.FLAKY, 1)), "paymentToken", "tok_ok"))
        .post("/api/v1/orders")
        .then()
        .statusCode(202)
        .body("items[0].name", equalTo(CatalogMother.MUG.name()));
  }

  @Test
  void slowCatalogTimesOutWithin5Seconds() throws Exception {
    long start = System.nanoTime();
    place(token, Map.of("items", List.of(line(CatalogMother.SLOW, 1))))
        .statusCode(503)
        .contentType(PROBLEM)
        .body("type", equalTo(PROBLEMS + "upstream-unavailable"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(ordersOf(customer)).isZero();
  }

  @Test
  void openBreakerFailsFastWithoutCallingCatalog() {
    for (int i = 0; i < 4; i++) {
      place(token, Map.of("items", List.of(line(CatalogMother.FAILING, 1)))).statusCode(503);
    }
    // The mug would be priced by a working call; the open breaker answers before any call.
    place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), 1))))
        .statusCode(503)
        .body("detail", equalTo("catalog is failing; calls to it are paused for a few seconds"));
    breakers.resetAll();
    place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), 1)))).statusCode(202);
  }

  @Test
  void quantityOutOfRangeIsAFieldError() {
    for (int quantity : new int[] {0, 1000}) {
      place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), quantity))))
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo(PROBLEMS + "validation"))
          .body("errors[0].field", equalTo("items[0].quantity"))
          .body(
              "errors[0].message",
              equalTo("items[0].quantity must be between 1 and 100, but was " + quantity));
    }
  }

  @Test
  void badBodiesAreProblems() {
    place(token, "{\"items\": [")
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(PROBLEMS + "malformed-json"));
    place(token, Map.of()).statusCode(400).body("errors[0].field", equalTo("items"));
    place(token, Map.of("items", List.of()))
        .statusCode(400)
        .body("errors[0].field", equalTo("items"));
    place(token, Map.of("items", List.of(line("not-a-uuid", 1))))
        .statusCode(400)
        .body("errors[0].field", equalTo("items[0].productId"));
    place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), "many"))))
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(PROBLEMS + "malformed-json"))
        .body("detail", equalTo("field 'items[0].quantity' has the wrong type"));
    place(
            token,
            Map.of(
                "items", List.of(line(CatalogMother.MUG.id(), 1), line(CatalogMother.MUG.id(), 2))))
        .statusCode(400)
        .body("errors[0].field", equalTo("items[1].productId"));
  }

  @Test
  void customersSeeOnlyTheirOwnOrders() {
    String mine =
        place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), 1))))
            .statusCode(202)
            .extract()
            .path("id");
    String newer =
        place(token, Map.of("items", List.of(line(CatalogMother.TEA.id(), 1))))
            .statusCode(202)
            .extract()
            .path("id");
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/orders")
        .then()
        .statusCode(200)
        .body("total", equalTo(2))
        .body("items.id", equalTo(List.of(newer, mine)));
    given()
        .auth()
        .oauth2(token)
        .queryParam("size", 1)
        .queryParam("page", 1)
        .get("/api/v1/orders")
        .then()
        .statusCode(200)
        .body("items.id", equalTo(List.of(mine)));

    String other = TestTokens.customer(UUID.randomUUID());
    given()
        .auth()
        .oauth2(other)
        .get("/api/v1/orders/" + mine)
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
    given()
        .auth()
        .oauth2(other)
        .get("/api/v1/orders")
        .then()
        .statusCode(200)
        .body("items", hasSize(0))
        .body("total", equalTo(0));
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/orders/not-a-uuid")
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
    given()
        .auth()
        .oauth2(token)
        .queryParam("size", 0)
        .get("/api/v1/orders")
        .then()
        .statusCode(400)
        .contentType(PROBLEM);
  }

  @Test
  void pagesReachEveryOrderOnceAndEndEmpty() {
    List<String> placed = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      placed.add(
          place(token, Map.of("items", List.of(line(CatalogMother.MUG.id(), 1))))
              .statusCode(202)
              .extract()
              .path("id"));
    }
    List<String> seen = new java.util.ArrayList<>();
    int[] expected = {2, 2, 1, 0};
    for (int page = 0; page < expected.length; page++) {
      seen.addAll(
          given()
              .auth()
              .oauth2(token)
              .queryParam("page", page)
              .queryParam("size", 2)
              .get("/api/v1/orders")
              .then()
              .statusCode(200)
              .body("items", hasSize(expected[page]))
              .body("page", equalTo(page))
              .body("size", equalTo(2))
              .body("total", equalTo(5))
              .extract()
              .jsonPath()
              .getList("items.id", String.class));
    }
    assertThat(seen).hasSize(5).containsExactlyInAnyOrderElementsOf(placed);
    given()
        .auth()
        .oauth2(token)
        .queryParam("size", 100)
        .get("/api/v1/orders")
        .then()
        .statusCode(200)
        .body("items", hasSize(5));
  }

  @Test
  void badPagingIsAProblemNamingTheParameter() {
    for (String[] bad :
        new String[][] {
          {"page", "-1"},
          {"page", "abc"},
          {"page", ""},
          {"size", "0"},
          {"size", "101"},
          {"size", "-1"},
          {"size", "abc"},
          {"size", ""},
          {"size", "1.5"}
        }) {
      given()
          .auth()
          .oauth2(token)
          .queryParam(bad[0], bad[1])
          .get("/api/v1/orders")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo(PROBLEMS + "validation"))
          .body("errors[0].field", equalTo(bad[0]));
    }
  }

  @Test
  void everyEndpointNeedsAValidToken() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("items", List.of(line(CatalogMother.MUG.id(), 1))))
        .post("/api/v1/orders")
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
    given().get("/api/v1/orders").then().statusCode(401).contentType(PROBLEM);
    given().get("/api/v1/orders/" + UUID.randomUUID()).then().statusCode(401);
    given()
        .auth()
        .oauth2(TestTokens.expired(customer))
        .get("/api/v1/orders")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(TestTokens.unsigned(customer))
        .get("/api/v1/orders")
        .then()
        .statusCode(401);
  }

  /**
   * Sagas started so far: each begins with its event number 1. (Not every event: sagas of earlier
   * tests may still be moving on while a test runs.)
   */
  long sagasStarted() throws Exception {
    try (java.sql.Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM order_events WHERE seq = 1");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aMissingOrUnknownPaymentTokenIsA400BeforeAnySagaStarts() throws Exception {
    long before = sagasStarted();
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(Map.of("items", List.of(line(CatalogMother.MUG.id(), 1))))
        .post("/api/v1/orders")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(PROBLEMS + "validation"))
        .body("errors[0].field", equalTo("paymentToken"))
        .body("errors[0].message", equalTo("paymentToken is required"));
    place(
            token,
            Map.of("items", List.of(line(CatalogMother.MUG.id(), 1)), "paymentToken", "tok_nope"))
        .statusCode(400)
        .contentType(PROBLEM)
        .body("errors[0].field", equalTo("paymentToken"))
        .body(
            "errors[0].message",
            equalTo("paymentToken must be a known payment token, but was 'tok_nope'"));
    assertThat(ordersOf(customer)).isZero();
    assertThat(sagasStarted()).isEqualTo(before);
  }

  @Test
  void placingStoresTheFirstEventAndSendsReserveStock() throws Exception {
    String id =
        place(
                token,
                Map.of(
                    "items",
                    List.of(line(CatalogMother.MUG.id(), 2), line(CatalogMother.TEA.id(), 1))))
            .statusCode(202)
            .extract()
            .path("id");
    try (java.sql.Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT seq, type, data->>'paymentToken' FROM order_events WHERE order_id = ?"
                    + " ORDER BY seq")) {
      ps.setObject(1, UUID.fromString(id));
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
        assertThat(rs.getString(2)).isEqualTo("Placed");
        assertThat(rs.getString(3)).isEqualTo(PaymentTokens.OK);
        assertThat(rs.next()).isFalse();
      }
    }
    try (java.sql.Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT exchange, routing_key, message_type, payload::text FROM outbox"
                    + " WHERE payload->>'orderId' = ? AND exchange = 'bazaar.commands'")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isEqualTo("catalog.ReserveStock");
        assertThat(rs.getString(3)).isEqualTo("ReserveStock");
        JsonPath cmd = JsonPath.from(rs.getString(4));
        assertThat(cmd.getString("items[0].productId")).isEqualTo(CatalogMother.MUG.id());
        assertThat(cmd.getInt("items[0].quantity")).isEqualTo(2);
        assertThat(cmd.getInt("items[1].quantity")).isEqualTo(1);
        assertThat(rs.next()).isFalse();
      }
    }
  }
}
