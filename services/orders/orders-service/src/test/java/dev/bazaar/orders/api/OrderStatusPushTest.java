package dev.bazaar.orders.api;

import static dev.bazaar.orders.api.SagaDriver.placeMug;
import static dev.bazaar.orders.api.SagaDriver.uuid;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.catalog.api.StockCommitted;
import dev.bazaar.catalog.api.StockReserved;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.orders.catalog.FakeCatalog;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentTokens;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients learn an order's outcome without polling: {@code Prefer: wait} holds the GET until the
 * order is final, and the SSE stream sends each step as it commits. Both are woken by the order's
 * commit notification, including a commit made by another session (as another orders instance
 * would).
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
@WithTestResource(FakeCatalog.class)
class OrderStatusPushTest {

  @Inject DataSource dataSource;
  @Inject CircuitBreakerMaintenance breakers;
  @Inject ObjectMapper json;
  @Inject Messaging messaging;

  @TestHTTPResource("/api/v1/orders")
  URI orders;

  SagaDriver saga;
  String token;

  @BeforeEach
  void driver() throws Exception {
    breakers.resetAll();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(messaging::consumersSubscribed);
    saga = new SagaDriver(json, dataSource);
    token = TestTokens.customer(UUID.randomUUID());
  }

  @AfterEach
  void close() throws Exception {
    saga.close();
  }

  /** Drives the order through the saga to CONFIRMED, as catalog and payments would. */
  private void confirm(String id) throws Exception {
    saga.awaitCommand("ReserveStock", id);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("AuthorizePayment", id);
    saga.reply(
        PaymentsContract.PAYMENT_AUTHORIZED,
        new PaymentAuthorized(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    saga.awaitCommand("CommitStock", id);
    saga.reply(CatalogContract.STOCK_COMMITTED, new StockCommitted(uuid(id)));
  }

  @Test
  void preferWaitAnswersAsSoonAsTheOrderIsFinal() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    long start = System.nanoTime();
    CompletableFuture<Response> waiting =
        CompletableFuture.supplyAsync(
            () ->
                given()
                    .auth()
                    .oauth2(token)
                    .header("Prefer", "wait=20")
                    .get("/api/v1/orders/" + id));
    confirm(id);
    Response answer = waiting.get(20, TimeUnit.SECONDS);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.jsonPath().getString("status")).isEqualTo("CONFIRMED");
    assertThat(answer.header("Preference-Applied")).isEqualTo("wait=20");
    assertThat(tookMillis).isLessThan(15_000);
  }

  @Test
  void preferWaitAnswersWithTheCurrentStateWhenTheTimeIsUp() {
    String id = placeMug(token, PaymentTokens.OK);
    long start = System.nanoTime();
    Response answer =
        given().auth().oauth2(token).header("Prefer", "respond-async, wait=1").get(path(id));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.jsonPath().getString("status")).isEqualTo("PENDING");
    assertThat(answer.header("Preference-Applied")).isEqualTo("wait=1");
    assertThat(tookMillis).isGreaterThanOrEqualTo(900);
  }

  @Test
  void aLongerWaitThanThirtySecondsIsCappedAndAMalformedOneIgnored() {
    String id = placeMug(token, PaymentTokens.OK);
    Response malformed = given().auth().oauth2(token).header("Prefer", "wait=soon").get(path(id));
    assertThat(malformed.statusCode()).isEqualTo(200);
    assertThat(malformed.header("Preference-Applied")).isNull();
  }

  @Test
  void someoneElsesOrderIs404WithWaitAndStream() {
    String id = placeMug(token, PaymentTokens.OK);
    String stranger = TestTokens.customer(UUID.randomUUID());
    given()
        .auth()
        .oauth2(stranger)
        .header("Prefer", "wait=5")
        .get(path(id))
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2(stranger)
        .accept("text/event-stream")
        .get(path(id) + "/events")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void aCommitByAnotherSessionWakesTheWaiter() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    CompletableFuture<Response> waiting =
        CompletableFuture.supplyAsync(
            () -> given().auth().oauth2(token).header("Prefer", "wait=20").get(path(id)));
    Thread.sleep(500);
    long start = System.nanoTime();
    // Another orders instance finishing the order: a commit on its own database session.
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE orders SET status = 'CANCELLED', reason = 'TIMED_OUT', version = version"
                    + " + 1, deadline_at = NULL WHERE id = ?::uuid")) {
      ps.setString(1, id);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    Response answer = waiting.get(20, TimeUnit.SECONDS);
    assertThat(answer.jsonPath().getString("status")).isEqualTo("CANCELLED");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
  }

  @Test
  void theEventStreamSendsTheStateEachStepAndTheFinalStatusThenEnds() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpClient http = HttpClient.newHttpClient();
    CompletableFuture<HttpResponse<Stream<String>>> stream =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(orders + "/" + id + "/events"))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> response = stream.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    CompletableFuture<Void> reading =
        CompletableFuture.runAsync(() -> response.body().forEach(lines::add));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events(lines).size() >= 1);
    confirm(id);
    // The stream ends by itself once the order is final.
    reading.get(20, TimeUnit.SECONDS);
    List<String> events = events(lines);
    assertThat(events.get(0)).isEqualTo("state");
    assertThat(events.get(events.size() - 1)).isEqualTo("final");
    assertThat(events.subList(1, events.size() - 1)).isNotEmpty().allMatch("step"::equals);
    String last = lines.stream().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).get();
    assertThat(last).contains("\"status\":\"CONFIRMED\"").contains("COMMIT_STOCK");
  }

  @Test
  void aFinalOrderStreamsStateThenFinalAndEnds() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    confirm(id);
    SagaDriver.awaitStatus(token, id, "CONFIRMED");
    Response answer =
        given().auth().oauth2(token).accept("text/event-stream").get(path(id) + "/events");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(events(answer.asString().lines().toList())).containsExactly("state", "final");
  }

  private static List<String> events(List<String> lines) {
    List<String> names = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("event:")) {
        names.add(line.substring(6).trim());
      }
    }
    return names;
  }

  private static String path(String id) {
    return "/api/v1/orders/" + id;
  }
}
