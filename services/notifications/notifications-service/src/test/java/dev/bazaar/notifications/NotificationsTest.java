package dev.bazaar.notifications;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.notifications.domain.Kind;
import dev.bazaar.notifications.domain.Notification;
import dev.bazaar.notifications.messaging.EventsConsumer;
import dev.bazaar.notifications.persistence.NotificationRepository;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import dev.bazaar.users.api.UsersContract;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(InfraResource.class)
class NotificationsTest {

  static final String QUEUE = EventsConsumer.QUEUE;
  static final String CONSUMER = "notifications:" + QUEUE;

  /** The promised latency from publish to visible notification. */
  static final Duration PROMISED = Duration.ofSeconds(2);

  /** For tests about what is stored rather than how fast: generous on a loaded build machine. */
  static final Duration EVENTUALLY = Duration.ofSeconds(10);

  @Inject ObjectMapper json;
  @Inject DataSource dataSource;
  @Inject NotificationRepository repository;

  Events events;
  Connection connection;
  Channel channel;

  @BeforeEach
  void connect() throws Exception {
    events = new Events(json);
    // The consumer subscribes in the background once the broker answers; a message published
    // before its queue is bound would be dropped by the exchange.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ConfigProvider.getConfig().getValue("bazaar.amqp.url", String.class));
    connection = f.newConnection("notifications-test");
    channel = connection.createChannel();
    channel.confirmSelect();
    // The first authenticated request loads the JWKS; keep that out of any latency budget.
    list(UUID.randomUUID());
  }

  @AfterEach
  void disconnect() throws Exception {
    connection.close();
  }

  @Test
  void userRegisteredAndOrderPlacedBecomeTheUsersNotificationsNewestFirst() throws Exception {
    UUID user = UUID.randomUUID();
    UUID order = UUID.randomUUID();

    publish(UsersContract.USER_REGISTERED, events.userRegistered(user, "Ada"));
    awaitCount(user, 1, PROMISED);
    publish(OrdersContract.ORDER_PLACED, events.orderPlaced(user, order));
    awaitCount(user, 2, PROMISED);

    JsonPath page = list(user).jsonPath();
    assertThat(page.getList("items.kind")).containsExactly("ORDER_RECEIVED", "WELCOME");
    assertThat(page.getString("items[0].message"))
        .isEqualTo(
            "Order received, we are processing it: 3 items, total 37.50 EUR (order "
                + order.toString().substring(0, 8)
                + ")");
    assertThat(page.getString("items[0].orderId")).isEqualTo(order.toString());
    assertThat(page.getString("items[1].message")).isEqualTo("Welcome to Bazaar, Ada!");
    assertThat(page.getString("items[1].orderId")).isNull();
    assertThat(page.getList("items.id")).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(page.getList("items.createdAt")).doesNotContainNull();
  }

  @Test
  void theOrdersOutcomeReachesTheCustomer() throws Exception {
    UUID user = UUID.randomUUID();
    UUID confirmed = UUID.randomUUID();
    UUID cancelled = UUID.randomUUID();
    String shortConfirmed = confirmed.toString().substring(0, 8);
    String shortCancelled = cancelled.toString().substring(0, 8);

    publish(OrdersContract.ORDER_CONFIRMED, events.orderConfirmed(user, confirmed));
    awaitCount(user, 1, PROMISED);
    publish(
        OrdersContract.ORDER_CANCELLED,
        events.orderCancelled(user, cancelled, OrdersContract.REASON_OUT_OF_STOCK));
    awaitCount(user, 2, PROMISED);

    JsonPath page = list(user).jsonPath();
    assertThat(page.getList("items.kind")).containsExactly("ORDER_CANCELLED", "ORDER_CONFIRMED");
    assertThat(page.getList("items.message"))
        .containsExactly(
            "Order " + shortCancelled + " cancelled: out of stock",
            "Order " + shortConfirmed + " confirmed: 37.50 EUR");
    assertThat(page.getList("items.orderId"))
        .containsExactly(cancelled.toString(), confirmed.toString());
  }

  @Test
  void aDuplicateOutcomeMakesOneNotification() throws Exception {
    UUID user = UUID.randomUUID();
    Envelope cancelled =
        events.orderCancelled(user, UUID.randomUUID(), OrdersContract.REASON_TIMED_OUT);
    publish(OrdersContract.ORDER_CANCELLED, cancelled);
    publish(OrdersContract.ORDER_CANCELLED, cancelled);
    // Handled in order by the one consumer: once this shows, both copies have been handled.
    publish(OrdersContract.ORDER_CONFIRMED, events.orderConfirmed(user, UUID.randomUUID()));

    Awaitility.await()
        .atMost(EVENTUALLY)
        .until(() -> list(user).jsonPath().getList("items.kind").contains("ORDER_CONFIRMED"));
    assertThat(list(user).jsonPath().getList("items.kind"))
        .containsExactlyInAnyOrder("ORDER_CANCELLED", "ORDER_CONFIRMED");
    assertThat(rowsFrom(cancelled.id())).isEqualTo(1);
  }

  @Test
  void anotherUserSeesNoneOfThem() throws Exception {
    UUID user = UUID.randomUUID();
    publish(UsersContract.USER_REGISTERED, events.userRegistered(user, "Ada"));
    publish(OrdersContract.ORDER_PLACED, events.orderPlaced(user, UUID.randomUUID()));
    awaitCount(user, 2, EVENTUALLY);

    given()
        .auth()
        .oauth2(TestTokens.customer(UUID.randomUUID()))
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(0));
  }

  @Test
  void aDuplicateDeliveryMakesOneNotification() throws Exception {
    UUID user = UUID.randomUUID();
    Envelope order = events.orderPlaced(user, UUID.randomUUID());
    publish(OrdersContract.ORDER_PLACED, order);
    publish(OrdersContract.ORDER_PLACED, order);
    // One consumer handles the queue in order: once this later message shows, both copies of the
    // order have been handled.
    publish(UsersContract.USER_REGISTERED, events.userRegistered(user, "Ada"));

    Awaitility.await()
        .atMost(EVENTUALLY)
        .until(() -> list(user).jsonPath().getList("items.kind").contains("WELCOME"));
    assertThat(list(user).jsonPath().getList("items.kind"))
        .containsExactlyInAnyOrder("ORDER_RECEIVED", "WELCOME");
    assertThat(rowsFrom(order.id())).isEqualTo(1);
  }

  @Test
  void theSameSourceMessageIsStoredOnceEvenPastTheInbox() {
    UUID source = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    boolean first =
        Tx.run(
            dataSource,
            c ->
                repository.insert(
                    c,
                    new Notification(UUID.randomUUID(), user, Kind.WELCOME, "hi", null, source)));
    boolean second =
        Tx.run(
            dataSource,
            c ->
                repository.insert(
                    c,
                    new Notification(UUID.randomUUID(), user, Kind.WELCOME, "hi", null, source)));
    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(rowsFrom(source)).isEqualTo(1);
  }

  @Test
  void aPoisonMessageIsParkedAndDoesNotBlockLaterMessages() throws Exception {
    UUID user = UUID.randomUUID();
    Envelope wrongShape = events.orderPlacedWithPayload("{\"orderId\": \"not-a-uuid\"}");
    Envelope notJson = events.orderPlacedWithPayload("this is not JSON");
    publish(OrdersContract.ORDER_PLACED, wrongShape);
    publish(OrdersContract.ORDER_PLACED, notJson);
    publish(UsersContract.USER_REGISTERED, events.userRegistered(user, "Ada"));

    awaitCount(user, 1, EVENTUALLY);

    Map<String, GetResponse> parked = new HashMap<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              GetResponse got;
              while ((got = channel.basicGet(QUEUE + Topology.PARKED_SUFFIX, true)) != null) {
                parked.put(got.getProps().getMessageId(), got);
              }
              return parked.containsKey(wrongShape.id().toString())
                  && parked.containsKey(notJson.id().toString());
            });
    GetResponse poison = parked.get(wrongShape.id().toString());
    assertThat(new String(poison.getBody(), StandardCharsets.UTF_8)).contains("not-a-uuid");
    assertThat(poison.getProps().getType()).isEqualTo(OrdersContract.ORDER_PLACED_TYPE);
    assertThat(poison.getProps().getHeaders().get(Envelope.HEADER_ORIGINAL_QUEUE))
        .hasToString(QUEUE);
    assertThat(poison.getProps().getHeaders().get(Envelope.HEADER_ERROR).toString())
        .contains("not a valid OrderPlaced");
    // Each failed attempt rolled back its inbox row: a replay from the parking queue is handled.
    assertThat(inboxHas(wrongShape.id())).isFalse();
    assertThat(inboxHas(notJson.id())).isFalse();
  }

  @Test
  void aTypeWithoutANotificationIsAckedNotParked() throws Exception {
    Envelope unknown =
        Events.envelope("UserRenamed", 1, "{\"userId\": \"" + UUID.randomUUID() + "\"}");
    publish(UsersContract.USER_REGISTERED, unknown);

    Awaitility.await().atMost(EVENTUALLY).until(() -> inboxHas(unknown.id()));
    assertThat(rowsFrom(unknown.id())).isZero();
  }

  @Test
  void limitCapsTheList() throws Exception {
    UUID user = UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      publish(OrdersContract.ORDER_PLACED, events.orderPlaced(user, UUID.randomUUID()));
    }
    awaitCount(user, 3, EVENTUALLY);
    given()
        .auth()
        .oauth2(TestTokens.customer(user))
        .queryParam("limit", 2)
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(2));
  }

  @Test
  void pagesReachEveryNotificationOnceAndEndEmpty() throws Exception {
    UUID user = UUID.randomUUID();
    for (int i = 0; i < 5; i++) {
      publish(OrdersContract.ORDER_PLACED, events.orderPlaced(user, UUID.randomUUID()));
    }
    awaitCount(user, 5, EVENTUALLY);
    java.util.List<String> seen = new java.util.ArrayList<>();
    int[] expected = {2, 2, 1, 0};
    for (int page = 0; page < expected.length; page++) {
      Response r =
          given()
              .auth()
              .oauth2(TestTokens.customer(user))
              .queryParam("page", page)
              .queryParam("size", 2)
              .get("/api/v1/notifications");
      r.then()
          .statusCode(200)
          .body("items", hasSize(expected[page]))
          .body("page", equalTo(page))
          .body("size", equalTo(2))
          .body("total", equalTo(5));
      seen.addAll(r.jsonPath().getList("items.id"));
    }
    assertThat(seen).hasSize(5).doesNotHaveDuplicates();
    // The largest page holds them all; one past the largest size is refused.
    given()
        .auth()
        .oauth2(TestTokens.customer(user))
        .queryParam("size", 100)
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .body("items", hasSize(5));
    for (String[] bad :
        new String[][] {
          {"page", "-1"},
          {"size", "101"},
          {"size", "0"},
          {"size", "-1"},
          {"page", "x"},
          {"size", "x"},
          {"page", ""},
          {"size", ""}
        }) {
      given()
          .auth()
          .oauth2(TestTokens.customer(user))
          .queryParam(bad[0], bad[1])
          .get("/api/v1/notifications")
          .then()
          .statusCode(400)
          .body("errors[0].field", equalTo(bad[0]));
    }
  }

  @Test
  void withoutATokenItIsUnauthorized() {
    given()
        .get("/api/v1/notifications")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/unauthorized"));
    given().auth().oauth2("garbage").get("/api/v1/notifications").then().statusCode(401);
    given()
        .auth()
        .oauth2(TestTokens.expired(UUID.randomUUID()))
        .get("/api/v1/notifications")
        .then()
        .statusCode(401);
  }

  @Test
  void aBadLimitIsAProblemNamingIt() {
    for (String limit : List.of("0", "101", "-1", "abc", "1.5", "")) {
      given()
          .log()
          .ifValidationFails()
          .auth()
          .oauth2(TestTokens.customer(UUID.randomUUID()))
          .queryParam("limit", limit)
          .get("/api/v1/notifications")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("type", equalTo("https://bazaar.dev/problems/validation"))
          .body(
              "detail",
              containsString("but was " + (limit.matches("-?[0-9]+") ? limit : "'" + limit + "'")))
          .body("errors[0].field", equalTo("limit"));
    }
  }

  private void publish(String routingKey, Envelope envelope) throws Exception {
    channel.basicPublish(
        Topology.EVENTS_EXCHANGE, routingKey, envelope.toProperties(Map.of()), envelope.body());
    channel.waitForConfirmsOrDie(5_000);
  }

  private Response list(UUID user) {
    return given()
        .auth()
        .oauth2(TestTokens.customer(user))
        .get("/api/v1/notifications")
        .then()
        .statusCode(200)
        .extract()
        .response();
  }

  private void awaitCount(UUID user, int count, Duration within) {
    Awaitility.await()
        .atMost(within)
        .until(() -> list(user).jsonPath().getList("items").size() == count);
  }

  private int rowsFrom(UUID sourceMessageId) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM notifications WHERE source_message_id = ?")) {
            ps.setObject(1, sourceMessageId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  private boolean inboxHas(UUID messageId) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT 1 FROM inbox WHERE message_id = ? AND consumer = ?")) {
            ps.setObject(1, messageId);
            ps.setString(2, CONSUMER);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }
}
