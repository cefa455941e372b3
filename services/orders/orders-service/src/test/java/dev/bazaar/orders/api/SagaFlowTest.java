package dev.bazaar.orders.api;

import static dev.bazaar.orders.api.SagaDriver.assertCommand;
import static dev.bazaar.orders.api.SagaDriver.awaitStatus;
import static dev.bazaar.orders.api.SagaDriver.placeMug;
import static dev.bazaar.orders.api.SagaDriver.steps;
import static dev.bazaar.orders.api.SagaDriver.uuid;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.catalog.api.StockCommitted;
import dev.bazaar.catalog.api.StockRejected;
import dev.bazaar.catalog.api.StockReleased;
import dev.bazaar.catalog.api.StockReserved;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.orders.catalog.CatalogMother;
import dev.bazaar.orders.catalog.FakeCatalog;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.PaymentRefunded;
import dev.bazaar.payments.api.PaymentTokens;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The saga end to end through the broker, with this test playing catalog and payments. */
@QuarkusTest
@WithTestResource(InfraResource.class)
@WithTestResource(FakeCatalog.class)
class SagaFlowTest {

  static final String PROBLEM = "application/problem+json";

  @Inject DataSource dataSource;
  @Inject CircuitBreakerMaintenance breakers;
  @Inject ObjectMapper json;
  @Inject Messaging messaging;

  SagaDriver saga;
  UUID customer;
  String token;

  @BeforeEach
  void driver() throws Exception {
    // Another test class may have left catalog's breaker open in this shared application.
    breakers.resetAll();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(messaging::consumersSubscribed);
    saga = new SagaDriver(json, dataSource);
    customer = UUID.randomUUID();
    token = TestTokens.customer(customer);
  }

  @AfterEach
  void close() throws Exception {
    saga.close();
  }

  @Test
  void happyPathConfirmsAndPublishesOrderConfirmed() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    SagaDriver.Command reserve = saga.awaitCommand("ReserveStock", id);
    assertCommand(reserve, CatalogContract.RESERVE_STOCK);
    assertThat(reserve.body().getString("items[0].productId")).isEqualTo(CatalogMother.MUG.id());
    assertThat(reserve.body().getInt("items[0].quantity")).isEqualTo(2);

    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    SagaDriver.Command authorize = saga.awaitCommand("AuthorizePayment", id);
    assertCommand(authorize, PaymentsContract.AUTHORIZE_PAYMENT);
    assertThat(authorize.body().getString("customerId")).isEqualTo(customer.toString());
    assertThat(authorize.body().getLong("amount.amount")).isEqualTo(2500);
    assertThat(authorize.body().getString("amount.currency")).isEqualTo("EUR");
    assertThat(authorize.body().getString("paymentToken")).isEqualTo(PaymentTokens.OK);
    assertThat(awaitStatus(token, id, "PENDING").getString("reason")).isNull();

    saga.reply(
        PaymentsContract.PAYMENT_AUTHORIZED,
        new PaymentAuthorized(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    assertCommand(saga.awaitCommand("CommitStock", id), CatalogContract.COMMIT_STOCK);
    assertThat(saga.outbox("OrderConfirmed", id)).isZero();

    saga.reply(CatalogContract.STOCK_COMMITTED, new StockCommitted(uuid(id)));
    JsonPath view = awaitStatus(token, id, "CONFIRMED");
    assertThat(view.getString("reason")).isNull();
    assertThat(steps(view))
        .containsExactly(
            "RESERVE_STOCK STARTED",
            "RESERVE_STOCK SUCCEEDED",
            "AUTHORIZE_PAYMENT STARTED",
            "AUTHORIZE_PAYMENT SUCCEEDED",
            "COMMIT_STOCK STARTED",
            "COMMIT_STOCK SUCCEEDED");
    assertThat(saga.outbox("OrderConfirmed", id)).isEqualTo(1);
    // The list is served from the same read model.
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/orders")
        .then()
        .statusCode(200)
        .body("items[0].id", equalTo(id))
        .body("items[0].status", equalTo("CONFIRMED"))
        .body("items[0].steps.size()", equalTo(6));
  }

  @Test
  void outOfStockCancelsWithoutCompensation() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    saga.awaitCommand("ReserveStock", id);
    saga.reply(
        CatalogContract.STOCK_REJECTED,
        new StockRejected(
            uuid(id), CatalogContract.REASON_OUT_OF_STOCK, List.of(uuid(CatalogMother.MUG.id()))));
    JsonPath view = awaitStatus(token, id, "CANCELLED");
    assertThat(view.getString("reason")).isEqualTo("OUT_OF_STOCK");
    assertThat(steps(view)).containsExactly("RESERVE_STOCK STARTED", "RESERVE_STOCK FAILED");
    assertThat(saga.outbox("ReleaseStock", id)).isZero();
    assertThat(saga.outbox("AuthorizePayment", id)).isZero();
    assertThat(saga.outbox("OrderCancelled", id)).isEqualTo(1);
  }

  @Test
  void declinedPaymentReleasesStockAndCancelsOnlyAfterStockReleased() throws Exception {
    String id = placeMug(token, PaymentTokens.DECLINED);
    saga.awaitCommand("ReserveStock", id);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("AuthorizePayment", id);
    saga.reply(
        PaymentsContract.PAYMENT_DECLINED,
        new PaymentDeclined(uuid(id), UUID.randomUUID(), "card declined"));
    assertCommand(saga.awaitCommand("ReleaseStock", id), CatalogContract.RELEASE_STOCK);
    saga.awaitRepliesConsumed();
    JsonPath compensating = awaitStatus(token, id, "PENDING");
    assertThat(compensating.getString("reason")).isNull();
    assertThat(steps(compensating)).endsWith("AUTHORIZE_PAYMENT FAILED", "RELEASE_STOCK STARTED");
    assertThat(saga.outbox("OrderCancelled", id)).isZero();

    saga.reply(CatalogContract.STOCK_RELEASED, new StockReleased(uuid(id)));
    JsonPath view = awaitStatus(token, id, "CANCELLED");
    assertThat(view.getString("reason")).isEqualTo("PAYMENT_DECLINED");
    assertThat(steps(view)).endsWith("RELEASE_STOCK SUCCEEDED");
    assertThat(saga.outbox("RefundPayment", id)).isZero();
    assertThat(saga.outbox("OrderCancelled", id)).isEqualTo(1);
  }

  @Test
  void expiredReservationAtCommitRefundsAndTimesOut() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("AuthorizePayment", id);
    saga.reply(
        PaymentsContract.PAYMENT_AUTHORIZED,
        new PaymentAuthorized(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    saga.awaitCommand("CommitStock", id);
    saga.reply(
        CatalogContract.STOCK_REJECTED,
        new StockRejected(uuid(id), CatalogContract.REASON_RESERVATION_EXPIRED, List.of()));
    assertCommand(saga.awaitCommand("RefundPayment", id), PaymentsContract.REFUND_PAYMENT);
    saga.reply(
        PaymentsContract.PAYMENT_REFUNDED,
        new PaymentRefunded(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    JsonPath view = awaitStatus(token, id, "CANCELLED");
    assertThat(view.getString("reason")).isEqualTo("TIMED_OUT");
    assertThat(steps(view)).contains("COMMIT_STOCK FAILED", "REFUND_PAYMENT SUCCEEDED");
  }

  @Test
  void cancelWhilePendingIs202AndCancelsAfterCompensations() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("AuthorizePayment", id);
    saga.awaitRepliesConsumed();

    // Someone else cannot cancel it, and cannot learn that it exists.
    given()
        .auth()
        .oauth2(TestTokens.customer(UUID.randomUUID()))
        .post("/api/v1/orders/" + id + "/cancel")
        .then()
        .statusCode(404)
        .contentType(PROBLEM);

    given()
        .auth()
        .oauth2(token)
        .post("/api/v1/orders/" + id + "/cancel")
        .then()
        .statusCode(202)
        .body("status", equalTo("PENDING"))
        .body("steps[-3].step", equalTo("CANCEL"))
        .body("steps[-3].outcome", equalTo("REQUESTED"))
        .body("steps[-2].step", equalTo("RELEASE_STOCK"))
        .body("steps[-1].step", equalTo("REFUND_PAYMENT"));
    saga.awaitCommand("ReleaseStock", id);
    saga.awaitCommand("RefundPayment", id);
    // Asking again while it is being cancelled changes nothing.
    long events = saga.events(id);
    given().auth().oauth2(token).post("/api/v1/orders/" + id + "/cancel").then().statusCode(202);
    assertThat(saga.events(id)).isEqualTo(events);

    saga.reply(CatalogContract.STOCK_RELEASED, new StockReleased(uuid(id)));
    saga.awaitRepliesConsumed();
    assertThat(awaitStatus(token, id, "PENDING").getString("reason")).isNull();
    saga.reply(PaymentsContract.PAYMENT_REFUNDED, new PaymentRefunded(uuid(id), null, null));
    JsonPath view = awaitStatus(token, id, "CANCELLED");
    assertThat(view.getString("reason")).isEqualTo("CANCELLED_BY_CUSTOMER");
    assertThat(saga.outbox("OrderCancelled", id)).isEqualTo(1);

    given()
        .auth()
        .oauth2(token)
        .post("/api/v1/orders/" + id + "/cancel")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("detail", containsString("already CANCELLED"));
  }

  @Test
  void cancellingAConfirmedOrderIs409() throws Exception {
    String id = confirmedOrder();
    given()
        .auth()
        .oauth2(token)
        .post("/api/v1/orders/" + id + "/cancel")
        .then()
        .statusCode(409)
        .contentType(PROBLEM)
        .body("detail", containsString("already CONFIRMED"));
    given()
        .auth()
        .oauth2(token)
        .post("/api/v1/orders/" + UUID.randomUUID() + "/cancel")
        .then()
        .statusCode(404);
  }

  String confirmedOrder() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("AuthorizePayment", id);
    saga.reply(
        PaymentsContract.PAYMENT_AUTHORIZED,
        new PaymentAuthorized(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    saga.awaitCommand("CommitStock", id);
    saga.reply(CatalogContract.STOCK_COMMITTED, new StockCommitted(uuid(id)));
    awaitStatus(token, id, "CONFIRMED");
    return id;
  }

  /**
   * Sends a reply three times: a new message, its redelivery (same id), and a re-answer (new id).
   */
  void thrice(String routingKey, Object reply) throws Exception {
    Envelope first = saga.reply(routingKey, reply);
    saga.redeliver(routingKey, first);
    saga.reply(routingKey, reply);
  }

  @Test
  void duplicateSuccessRepliesChangeNothing() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    thrice(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("AuthorizePayment", id);
    thrice(
        PaymentsContract.PAYMENT_AUTHORIZED,
        new PaymentAuthorized(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    saga.awaitCommand("CommitStock", id);
    thrice(CatalogContract.STOCK_COMMITTED, new StockCommitted(uuid(id)));
    awaitStatus(token, id, "CONFIRMED");
    saga.awaitRepliesConsumed();
    // Placed, StockReserved, PaymentAuthorized, StockCommitted, Confirmed.
    assertThat(saga.events(id)).isEqualTo(5);
    assertThat(saga.outbox("AuthorizePayment", id)).isEqualTo(1);
    assertThat(saga.outbox("CommitStock", id)).isEqualTo(1);
    assertThat(saga.outbox("OrderConfirmed", id)).isEqualTo(1);
    assertThat(saga.outbox("ReleaseStock", id)).isZero();
    assertThat(steps(awaitStatus(token, id, "CONFIRMED"))).hasSize(6);
  }

  @Test
  void duplicateFailureAndCompensationRepliesChangeNothing() throws Exception {
    String outOfStock = placeMug(token, PaymentTokens.OK);
    thrice(
        CatalogContract.STOCK_REJECTED,
        new StockRejected(uuid(outOfStock), CatalogContract.REASON_OUT_OF_STOCK, List.of()));
    awaitStatus(token, outOfStock, "CANCELLED");

    String declined = placeMug(token, PaymentTokens.DECLINED);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(declined)));
    saga.awaitCommand("AuthorizePayment", declined);
    thrice(
        PaymentsContract.PAYMENT_DECLINED,
        new PaymentDeclined(uuid(declined), UUID.randomUUID(), "declined"));
    saga.awaitCommand("ReleaseStock", declined);
    thrice(CatalogContract.STOCK_RELEASED, new StockReleased(uuid(declined)));
    awaitStatus(token, declined, "CANCELLED");

    String cancelled = placeMug(token, PaymentTokens.OK);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(cancelled)));
    saga.awaitCommand("AuthorizePayment", cancelled);
    saga.awaitRepliesConsumed();
    given()
        .auth()
        .oauth2(token)
        .post("/api/v1/orders/" + cancelled + "/cancel")
        .then()
        .statusCode(202);
    thrice(PaymentsContract.PAYMENT_REFUNDED, new PaymentRefunded(uuid(cancelled), null, null));
    thrice(CatalogContract.STOCK_RELEASED, new StockReleased(uuid(cancelled)));
    awaitStatus(token, cancelled, "CANCELLED");
    saga.awaitRepliesConsumed();

    // Placed, StepFailed, Cancelled.
    assertThat(saga.events(outOfStock)).isEqualTo(3);
    // Placed, StockReserved, StepFailed, CompensationStarted, StockReleased, Cancelled.
    assertThat(saga.events(declined)).isEqualTo(6);
    assertThat(saga.outbox("ReleaseStock", declined)).isEqualTo(1);
    // Placed, StockReserved, CancelRequested, CompensationStarted, two acknowledgements, Cancelled.
    assertThat(saga.events(cancelled)).isEqualTo(7);
    for (String id : List.of(outOfStock, declined, cancelled)) {
      assertThat(saga.outbox("OrderCancelled", id)).as(id).isEqualTo(1);
    }
  }

  @Test
  void lateRepliesForACancelledOrderResendTheCompensation() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    saga.awaitCommand("ReserveStock", id);
    given().auth().oauth2(token).post("/api/v1/orders/" + id + "/cancel").then().statusCode(202);
    saga.awaitCommand("ReleaseStock", id);
    saga.reply(CatalogContract.STOCK_RELEASED, new StockReleased(uuid(id)));
    awaitStatus(token, id, "CANCELLED");
    long events = saga.events(id);

    // The reservation arrives after the release: release it again.
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("ReleaseStock", id);
    saga.reply(
        PaymentsContract.PAYMENT_AUTHORIZED,
        new PaymentAuthorized(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    saga.awaitCommand("RefundPayment", id);
    saga.reply(CatalogContract.STOCK_COMMITTED, new StockCommitted(uuid(id)));
    saga.awaitRepliesConsumed();
    assertThat(saga.events(id)).isEqualTo(events);
    assertThat(awaitStatus(token, id, "CANCELLED").getString("reason"))
        .isEqualTo("CANCELLED_BY_CUSTOMER");
    // Replies for an order this service never had are acked and ignored, not parked.
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(UUID.randomUUID()));
    saga.awaitRepliesConsumed();
  }
}
