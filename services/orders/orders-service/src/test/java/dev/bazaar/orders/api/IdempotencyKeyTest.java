package dev.bazaar.orders.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.bazaar.orders.catalog.CatalogMother;
import dev.bazaar.orders.catalog.FakeCatalog;
import dev.bazaar.orders.saga.IdempotencyCleaner;
import dev.bazaar.payments.api.PaymentTokens;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(InfraResource.class)
@WithTestResource(FakeCatalog.class)
class IdempotencyKeyTest {

  static final String PROBLEM = "application/problem+json";

  @Inject DataSource dataSource;
  @Inject CircuitBreakerMaintenance breakers;
  @Inject IdempotencyCleaner cleaner;

  UUID customer;
  String token;

  @BeforeEach
  void freshCustomer() {
    // Another test class may have left catalog's breaker open in this shared application.
    breakers.resetAll();
    customer = UUID.randomUUID();
    token = TestTokens.customer(customer);
  }

  static Map<String, Object> body(int quantity) {
    return Map.of(
        "items",
        List.of(Map.of("productId", CatalogMother.MUG.id(), "quantity", quantity)),
        "paymentToken",
        PaymentTokens.OK);
  }

  ExtractableResponse<Response> post(String bearer, String key, Object body) {
    var request = given().auth().oauth2(bearer).contentType(ContentType.JSON).body(body);
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return request.post("/api/v1/orders").then().extract();
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
  void sameKeyAndBodyReplaysTheFirstResponseWithoutASecondOrder() throws Exception {
    String key = "checkout-" + UUID.randomUUID();
    ExtractableResponse<Response> first = post(token, key, body(2));
    assertThat(first.statusCode()).isEqualTo(202);
    ExtractableResponse<Response> again = post(token, key, body(2));
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(again.header("Location")).isEqualTo(first.header("Location"));
    assertThat(again.asString()).isEqualTo(first.asString());
    assertThat(again.contentType()).startsWith("application/json");
    assertThat(ordersOf(customer)).isEqualTo(1);

    // Keys are per customer: another customer's same key is a new order.
    UUID other = UUID.randomUUID();
    ExtractableResponse<Response> theirs = post(TestTokens.customer(other), key, body(2));
    assertThat(theirs.statusCode()).isEqualTo(202);
    assertThat(theirs.<String>path("id")).isNotEqualTo(first.<String>path("id"));
    // Without a key every request is a new order.
    post(token, null, body(2));
    post(token, null, body(2));
    assertThat(ordersOf(customer)).isEqualTo(3);
  }

  @Test
  void sameKeyWithADifferentBodyIs422() throws Exception {
    String key = UUID.randomUUID().toString();
    String id = post(token, key, body(2)).path("id");
    given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .header("Idempotency-Key", key)
        .body(body(3))
        .post("/api/v1/orders")
        .then()
        .statusCode(422)
        .contentType(PROBLEM)
        .body("type", equalTo("https://bazaar.dev/problems/idempotency-key-reused"))
        .body(
            "detail",
            equalTo(
                "this Idempotency-Key was already used for a different order request (order "
                    + id
                    + "); use a new key for a new order"));
    assertThat(ordersOf(customer)).isEqualTo(1);
  }

  @Test
  void concurrentRequestsWithOneKeyCreateExactlyOneOrder() throws Exception {
    String key = "race-" + UUID.randomUUID();
    int n = 8;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Callable<ExtractableResponse<Response>>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        calls.add(() -> post(token, key, body(1)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<ExtractableResponse<Response>> f : pool.invokeAll(calls)) {
        ExtractableResponse<Response> r = f.get();
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        ids.add(r.path("id"));
      }
      assertThat(ids).hasSize(n).containsOnly(ids.get(0));
    } finally {
      pool.shutdownNow();
    }
    assertThat(ordersOf(customer)).isEqualTo(1);
  }

  @Test
  void anEmptyOrTooLongKeyIs400() throws Exception {
    for (String key : List.of("", "k".repeat(256))) {
      given()
          .auth()
          .oauth2(token)
          .contentType(ContentType.JSON)
          .header("Idempotency-Key", key)
          .body(body(1))
          .post("/api/v1/orders")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("errors[0].field", equalTo("Idempotency-Key"))
          .body(
              "errors[0].message",
              equalTo(
                  "Idempotency-Key must be between 1 and 255 characters long, but was "
                      + key.length()));
    }
    assertThat(post(token, "k".repeat(255), body(1)).statusCode()).isEqualTo(202);
    assertThat(ordersOf(customer)).isEqualTo(1);
  }

  @Test
  void keysOlderThanTheRetentionAreForgotten() throws Exception {
    String key = "old-" + UUID.randomUUID();
    String first = post(token, key, body(1)).path("id");
    try (java.sql.Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE idempotency_keys SET created_at = ? WHERE customer_id = ? AND idem_key = ?")) {
      ps.setObject(1, java.sql.Timestamp.from(Instant.now().minus(Duration.ofHours(49))));
      ps.setObject(2, customer);
      ps.setString(3, key);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    String recent = "new-" + UUID.randomUUID();
    post(token, recent, body(1));
    assertThat(cleaner.clean()).isGreaterThanOrEqualTo(1);
    // The recent key still replays; the forgotten one places a new order.
    assertThat(post(token, recent, body(1)).statusCode()).isEqualTo(202);
    assertThat(ordersOf(customer)).isEqualTo(2);
    assertThat(post(token, key, body(1)).<String>path("id")).isNotEqualTo(first);
    assertThat(ordersOf(customer)).isEqualTo(3);
  }
}
