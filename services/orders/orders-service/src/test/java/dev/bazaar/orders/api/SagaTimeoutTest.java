package dev.bazaar.orders.api;

import static dev.bazaar.orders.api.SagaDriver.awaitStatus;
import static dev.bazaar.orders.api.SagaDriver.placeMug;
import static dev.bazaar.orders.api.SagaDriver.steps;
import static dev.bazaar.orders.api.SagaDriver.uuid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.catalog.api.StockReleased;
import dev.bazaar.catalog.api.StockReserved;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.orders.catalog.FakeCatalog;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentRefunded;
import dev.bazaar.payments.api.PaymentTokens;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Missed deadlines, with short ones: compensations, then CANCELLED TIMED_OUT. */
@QuarkusTest
@TestProfile(SagaTimeoutTest.ShortDeadlines.class)
@WithTestResource(InfraResource.class)
@WithTestResource(FakeCatalog.class)
class SagaTimeoutTest {

  /** One-second step deadlines, a fast poller, compensations re-sent every 2 s. */
  public static class ShortDeadlines implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "bazaar.orders.saga.reserve-timeout", "1s",
          "bazaar.orders.saga.payment-timeout", "1s",
          "bazaar.orders.saga.commit-timeout", "1s",
          "bazaar.orders.saga.compensation-retry", "2s",
          "bazaar.orders.saga.poll-interval", "100ms");
    }
  }

  @Inject DataSource dataSource;
  @Inject CircuitBreakerMaintenance breakers;
  @Inject ObjectMapper json;
  @Inject Messaging messaging;

  SagaDriver saga;
  String token;

  @BeforeEach
  void driver() throws Exception {
    // Another test class may have left catalog's breaker open in this shared application.
    breakers.resetAll();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(messaging::consumersSubscribed);
    saga = new SagaDriver(json, dataSource);
    token = TestTokens.customer(UUID.randomUUID());
  }

  @AfterEach
  void close() throws Exception {
    saga.close();
  }

  @Test
  void noReservationInTimeReleasesAndCancelsTimedOut() throws Exception {
    String id = placeMug(token, PaymentTokens.OK);
    saga.awaitCommand("ReserveStock", id);
    saga.awaitCommand("ReleaseStock", id);
    JsonPath compensating = awaitStatus(token, id, "PENDING");
    assertThat(steps(compensating))
        .containsSubsequence("RESERVE_STOCK TIMED_OUT", "RELEASE_STOCK STARTED");
    assertThat(saga.outbox("RefundPayment", id)).isZero();
    // Unanswered, the release is sent again after the compensation interval.
    saga.awaitCommand("ReleaseStock", id);

    saga.reply(CatalogContract.STOCK_RELEASED, new StockReleased(uuid(id)));
    JsonPath view = awaitStatus(token, id, "CANCELLED");
    assertThat(view.getString("reason")).isEqualTo("TIMED_OUT");
    assertThat(steps(view)).contains("RELEASE_STOCK RETRIED", "RELEASE_STOCK SUCCEEDED");
    assertThat(saga.outbox("OrderCancelled", id)).isEqualTo(1);
  }

  @Test
  void noPaymentAnswerInTimeReleasesAndRefunds() throws Exception {
    String id = placeMug(token, PaymentTokens.SLOW);
    saga.reply(CatalogContract.STOCK_RESERVED, new StockReserved(uuid(id)));
    saga.awaitCommand("AuthorizePayment", id);
    saga.awaitCommand("ReleaseStock", id);
    saga.awaitCommand("RefundPayment", id);
    // The authorization arrives late: refunded again, the order stays on its way to CANCELLED.
    saga.reply(
        PaymentsContract.PAYMENT_AUTHORIZED,
        new PaymentAuthorized(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    saga.awaitCommand("RefundPayment", id);
    saga.reply(CatalogContract.STOCK_RELEASED, new StockReleased(uuid(id)));
    saga.reply(
        PaymentsContract.PAYMENT_REFUNDED,
        new PaymentRefunded(uuid(id), UUID.randomUUID(), new Money(2500, "EUR")));
    JsonPath view = awaitStatus(token, id, "CANCELLED");
    assertThat(view.getString("reason")).isEqualTo("TIMED_OUT");
    assertThat(steps(view)).contains("AUTHORIZE_PAYMENT TIMED_OUT");
    assertThat(saga.outbox("CommitStock", id)).isZero();
  }
}
