package dev.bazaar.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chassis' parked-message list ({@code GET /api/v1/admin/<service>/messaging/parked}) as an
 * operator pages through it, on the messages this service parks. Other tests park messages too, so
 * the assertions hold for whatever total the list reports, with this test's messages in it.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class ParkedMessagesAdminTest {

  static final String PARKED = "/api/v1/admin/payments/messaging/parked";
  static final String PROBLEM = "application/problem+json";
  static final Duration EVENTUALLY = Duration.ofSeconds(15);

  Connection connection;
  Channel channel;
  String admin;

  @BeforeEach
  void connect() throws Exception {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ConfigProvider.getConfig().getValue("bazaar.amqp.url", String.class));
    connection = f.newConnection("parked-admin-test");
    channel = connection.createChannel();
    channel.confirmSelect();
    admin = TestTokens.token(UUID.randomUUID(), Set.of("admin"), Duration.ofMinutes(15));
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
  }

  @Test
  void pagesReachEveryParkedMessageOnceAndEndEmpty() throws Exception {
    List<String> mine = parkFive();
    int total = page(Map.of("size", 100)).getInt("total");
    assertThat(total).isGreaterThanOrEqualTo(mine.size());
    // A size that leaves the last page partial, so that boundary is crossed too.
    int size = 2;
    while (total % size == 0) {
      size++;
    }
    int pages = (total + size - 1) / size;
    List<String> seen = new ArrayList<>();
    for (int p = 0; p < pages; p++) {
      JsonPath page = page(Map.of("page", p, "size", size));
      assertThat(page.getInt("page")).isEqualTo(p);
      assertThat(page.getInt("size")).isEqualTo(size);
      assertThat(page.getInt("total")).isEqualTo(total);
      List<String> ids = page.getList("items.id", String.class);
      assertThat(ids).hasSize(p < pages - 1 ? size : total - size * (pages - 1));
      seen.addAll(ids);
    }
    assertThat(seen).hasSize(total).containsAll(mine);
    JsonPath past = page(Map.of("page", pages, "size", size));
    assertThat(past.getList("items")).isEmpty();
    assertThat(past.getInt("total")).isEqualTo(total);

    // Listing takes nothing away; the queue filter names the one queue payments consumes.
    JsonPath again = page(Map.of("queue", PaymentsContract.COMMANDS_QUEUE, "size", 100));
    assertThat(again.getInt("total")).isEqualTo(total);
    assertThat(again.getList("items.queue", String.class))
        .containsOnly(PaymentsContract.COMMANDS_QUEUE);
    assertThat(page(Map.of()).getInt("size")).isEqualTo(20);
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
          {"queue", "orders.replies"}
        }) {
      given()
          .auth()
          .oauth2(admin)
          .queryParam(bad[0], bad[1])
          .get(PARKED)
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo("https://bazaar.dev/problems/validation"))
          .body("errors", hasSize(1))
          .body("errors[0].field", equalTo(bad[0]));
    }
  }

  @Test
  void onlyAnAdminOfThisServiceMayList() {
    given().get(PARKED).then().statusCode(401).contentType(PROBLEM);
    given()
        .auth()
        .oauth2(TestTokens.customer(UUID.randomUUID()))
        .get(PARKED)
        .then()
        .statusCode(403)
        .contentType(PROBLEM);
    given()
        .auth()
        .oauth2(admin)
        .get("/api/v1/admin/orders/messaging/parked")
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
  }

  /** Parks five commands the consumer cannot read (no order id) and waits until all are listed. */
  private List<String> parkFive() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Envelope broken =
          Commands.envelope(
              "AuthorizePayment",
              "{\"customerId\":\"" + UUID.randomUUID() + "\",\"paymentToken\":\"tok_ok\"}");
      channel.basicPublish(
          Topology.COMMANDS_EXCHANGE,
          "payments.AuthorizePayment",
          broken.toProperties(Map.of()),
          broken.body());
      ids.add(broken.id().toString());
    }
    channel.waitForConfirmsOrDie(5_000);
    Awaitility.await().atMost(EVENTUALLY).until(() -> everyId().containsAll(ids));
    return ids;
  }

  private List<String> everyId() {
    List<String> all = new ArrayList<>();
    JsonPath first = page(Map.of("size", 100));
    int pages = (first.getInt("total") + 99) / 100;
    all.addAll(first.getList("items.id", String.class));
    for (int p = 1; p < pages; p++) {
      all.addAll(page(Map.of("page", p, "size", 100)).getList("items.id", String.class));
    }
    return all;
  }

  private JsonPath page(Map<String, ?> params) {
    return given()
        .auth()
        .oauth2(admin)
        .queryParams(params)
        .get(PARKED)
        .then()
        .statusCode(200)
        .contentType("application/json")
        .extract()
        .jsonPath();
  }
}
