package dev.bazaar.orders.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.orders.catalog.CatalogMother;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Plays catalog and payments for component tests: publishes replies to {@code bazaar.events} the
 * way a participant's outbox relay would, and reads the saga's commands from a private queue bound
 * to {@code bazaar.commands}.
 */
final class SagaDriver implements AutoCloseable {

  /** A command the saga sent: its routing key, type and JSON body. */
  record Command(String routingKey, String type, JsonPath body) {}

  private final Connection connection;
  private final Channel channel;
  private final String commands;
  private final ObjectMapper json;
  private final DataSource dataSource;
  private final List<Command> seen = new ArrayList<>();

  SagaDriver(ObjectMapper json, DataSource dataSource) throws Exception {
    this.json = json;
    this.dataSource = dataSource;
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ConfigProvider.getConfig().getValue("bazaar.amqp.url", String.class));
    connection = f.newConnection();
    channel = connection.createChannel();
    channel.exchangeDeclare("bazaar.commands", "topic", true);
    channel.exchangeDeclare("bazaar.events", "topic", true);
    commands = channel.queueDeclare().getQueue();
    channel.queueBind(commands, "bazaar.commands", "#");
  }

  /** Places an order of one mug with {@code token}; returns its id. */
  static String placeMug(String bearer, String token) {
    return given()
        .auth()
        .oauth2(bearer)
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "items",
                List.of(Map.of("productId", CatalogMother.MUG.id(), "quantity", 2)),
                "paymentToken",
                token))
        .post("/api/v1/orders")
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }

  /** Publishes a reply as a new message; returns its envelope so a test can redeliver it. */
  Envelope reply(String routingKey, Object payload) throws Exception {
    Envelope e =
        Envelope.create(
            payload.getClass().getSimpleName(),
            1,
            Instant.now(),
            null,
            null,
            json.writeValueAsString(payload));
    redeliver(routingKey, e);
    return e;
  }

  /** Publishes the same message (same id) again, as a broker redelivery would. */
  void redeliver(String routingKey, Envelope e) throws Exception {
    channel.basicPublish("bazaar.events", routingKey, e.toProperties(Map.of()), e.body());
  }

  /** Waits for the saga to send {@code type} for the order; fails after 10 s. */
  Command awaitCommand(String type, String orderId) {
    Command[] found = new Command[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              GetResponse r;
              while ((r = channel.basicGet(commands, true)) != null) {
                seen.add(
                    new Command(
                        r.getEnvelope().getRoutingKey(),
                        r.getProps().getType(),
                        JsonPath.from(new String(r.getBody(), StandardCharsets.UTF_8))));
              }
              for (Command c : seen) {
                if (c.type().equals(type) && orderId.equals(c.body().getString("orderId"))) {
                  seen.remove(c);
                  found[0] = c;
                  return true;
                }
              }
              return false;
            });
    return found[0];
  }

  /** Waits until the order shows {@code status}; returns its view. */
  static JsonPath awaitStatus(String bearer, String orderId, String status) {
    JsonPath[] view = new JsonPath[1];
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              view[0] =
                  given()
                      .auth()
                      .oauth2(bearer)
                      .get("/api/v1/orders/" + orderId)
                      .then()
                      .statusCode(200)
                      .extract()
                      .jsonPath();
              return status.equals(view[0].getString("status"));
            });
    return view[0];
  }

  /** Waits until the order has {@code count} stored events (its version). */
  void awaitVersion(String orderId, int count) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> events(orderId) == count);
  }

  long events(String orderId) throws Exception {
    return count("SELECT count(*) FROM order_events WHERE order_id = ?::uuid", orderId);
  }

  /** Outbox rows of {@code type} about the order (commands and events alike). */
  long outbox(String type, String orderId) throws Exception {
    return count(
        "SELECT count(*) FROM outbox WHERE message_type = ? AND payload->>'orderId' = ?",
        type,
        orderId);
  }

  /** Waits until every reply published so far was consumed (the replies queue is empty). */
  void awaitRepliesConsumed() throws Exception {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> channel.messageCount("orders.replies") == 0);
    // Consumed is not yet committed: give the handler's transaction a moment.
    Thread.sleep(300);
  }

  private long count(String sql, String... params) throws Exception {
    try (java.sql.Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static List<String> steps(JsonPath view) {
    List<String> steps = new ArrayList<>();
    List<Map<String, Object>> raw = view.getList("steps");
    for (Map<String, Object> s : raw) {
      steps.add(s.get("step") + " " + s.get("outcome"));
    }
    return steps;
  }

  static void assertCommand(Command c, String routingKey) {
    assertThat(c.routingKey()).isEqualTo(routingKey);
    assertThat(c.type()).isEqualTo(routingKey.substring(routingKey.indexOf('.') + 1));
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }

  static UUID uuid(String id) {
    return UUID.fromString(id);
  }
}
