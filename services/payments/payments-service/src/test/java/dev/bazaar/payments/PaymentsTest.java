package dev.bazaar.payments;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentTokens;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.payments.config.PaymentsConfig;
import dev.bazaar.payments.messaging.PaymentCommands;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The payments service as the orders saga sees it: commands published to {@code bazaar.commands},
 * replies read from {@code bazaar.events}, payments read over HTTP.
 */
@QuarkusTest
@WithTestResource(InfraResource.class)
class PaymentsTest {

  static final String CONSUMER = "payments:" + PaymentsContract.COMMANDS_QUEUE;

  /** Generous on a loaded build machine; replies normally arrive within a few hundred ms. */
  static final Duration EVENTUALLY = Duration.ofSeconds(15);

  @Inject ObjectMapper json;
  @Inject DataSource dataSource;
  @Inject MovableClock clock;
  @Inject PaymentsConfig config;
  @Inject PaymentCommands paymentCommands;

  Commands commands;
  Connection connection;
  Channel channel;
  final List<Reply> replies = new CopyOnWriteArrayList<>();

  /** A reply as the saga receives it. */
  record Reply(String type, String routingKey, JsonNode body, Instant receivedAt) {
    String orderId() {
      return body.path("orderId").asText();
    }
  }

  @BeforeEach
  void connect() throws Exception {
    commands = new Commands(json);
    // The consumer subscribes in the background once the broker answers; a command published
    // before its queue is bound would be dropped by the exchange.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> given().get("/q/health/ready").statusCode() == 200);
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ConfigProvider.getConfig().getValue("bazaar.amqp.url", String.class));
    connection = f.newConnection("payments-test");
    channel = connection.createChannel();
    channel.confirmSelect();
    Channel listen = connection.createChannel();
    listen.exchangeDeclare(Topology.EVENTS_EXCHANGE, "topic", true);
    String queue = listen.queueDeclare().getQueue();
    listen.queueBind(queue, Topology.EVENTS_EXCHANGE, "payments.*");
    listen.basicConsume(
        queue,
        true,
        new DefaultConsumer(listen) {
          @Override
          public void handleDelivery(
              String tag,
              com.rabbitmq.client.Envelope delivery,
              AMQP.BasicProperties props,
              byte[] body)
              throws IOException {
            replies.add(
                new Reply(
                    props.getType(),
                    delivery.getRoutingKey(),
                    json.readTree(new String(body, StandardCharsets.UTF_8)),
                    Instant.now()));
          }
        });
    // The first authenticated request loads the JWKS; keep that out of the tests' timing.
    given().auth().oauth2(TestTokens.customer(UUID.randomUUID())).get(byOrder(UUID.randomUUID()));
  }

  @AfterEach
  void disconnect() throws Exception {
    connection.close();
  }

  // --- AuthorizePayment, one token at a time ---

  @Test
  void tokOkAuthorizesAndTheOwnerSeesTheCharge() throws Exception {
    UUID order = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    send(commands.authorize(order, customer, PaymentTokens.OK));

    Reply reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("PaymentAuthorized");
    assertThat(reply.routingKey()).isEqualTo(PaymentsContract.PAYMENT_AUTHORIZED);
    assertThat(reply.body().path("amount").path("amount").asLong()).isEqualTo(3750);
    assertThat(reply.body().path("amount").path("currency").asText()).isEqualTo("EUR");
    String paymentId = reply.body().path("paymentId").asText();

    JsonPath page = list(order, TestTokens.customer(customer));
    assertThat(page.getList("items")).hasSize(1);
    assertThat(page.getString("items[0].id")).isEqualTo(paymentId);
    assertThat(page.getString("items[0].orderId")).isEqualTo(order.toString());
    assertThat(page.getLong("items[0].amount.amount")).isEqualTo(3750);
    assertThat(page.getString("items[0].amount.currency")).isEqualTo("EUR");
    assertThat(page.getString("items[0].status")).isEqualTo("AUTHORIZED");
    assertThat(page.getInt("page")).isZero();
    assertThat(page.getInt("size")).isEqualTo(20);
    assertThat(page.getLong("total")).isEqualTo(1);

    // Paged like every list: the one payment is on page 0 of size 1, page 1 is empty.
    JsonPath second =
        given()
            .auth()
            .oauth2(TestTokens.customer(customer))
            .queryParam("orderId", order.toString())
            .queryParam("page", 1)
            .queryParam("size", 1)
            .get("/api/v1/payments")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertThat(second.getList("items")).isEmpty();
    assertThat(second.getLong("total")).isEqualTo(1);
    for (String[] bad :
        new String[][] {
          {"page", "-1"},
          {"page", "abc"},
          {"page", ""},
          {"size", "0"},
          {"size", "101"},
          {"size", "-1"},
          {"size", "abc"},
          {"size", ""}
        }) {
      given()
          .auth()
          .oauth2(TestTokens.customer(customer))
          .queryParam("orderId", order.toString())
          .queryParam(bad[0], bad[1])
          .get("/api/v1/payments")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo(bad[0]));
    }
  }

  @Test
  void tokDeclinedDeclinesWithAReason() throws Exception {
    UUID order = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    send(commands.authorize(order, customer, PaymentTokens.DECLINED));

    Reply reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("PaymentDeclined");
    assertThat(reply.routingKey()).isEqualTo(PaymentsContract.PAYMENT_DECLINED);
    assertThat(reply.body().path("reason").asText()).isEqualTo("card declined by the provider");
    assertThat(reply.body().path("paymentId").asText()).isNotBlank();
    assertThat(list(order, TestTokens.customer(customer)).getString("items[0].status"))
        .isEqualTo("DECLINED");
  }

  @Test
  void anUnknownTokenIsDeclinedNamingIt() throws Exception {
    UUID order = UUID.randomUUID();
    send(commands.authorize(order, UUID.randomUUID(), "tok_platinum"));

    Reply reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("PaymentDeclined");
    assertThat(reply.body().path("reason").asText())
        .isEqualTo("unknown payment token 'tok_platinum'");
    assertThat(paymentRows(order)).isEqualTo(1);
  }

  @Test
  void tokSlowWaitsForThePollerWithoutHoldingUpTheOrdersBehindIt() throws Exception {
    UUID slow = UUID.randomUUID();
    UUID fast = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    send(commands.authorize(slow, customer, PaymentTokens.SLOW));
    send(commands.authorize(fast, customer, PaymentTokens.OK));

    // The order queued behind the slow one is answered while the slow one is still pending.
    assertThat(awaitReplies(fast, 1).get(0).type()).isEqualTo("PaymentAuthorized");
    assertThat(status(slow)).isEqualTo("PENDING");
    assertThat(repliesFor(slow)).isEmpty();
    // Pending is not a payment yet: the owner sees nothing until the provider answers.
    assertThat(list(slow, TestTokens.customer(customer)).getList("items")).isEmpty();

    // The provider's answer is due slow-delay after the command: move the clock there.
    clock.advance(config.slowDelay());
    Reply reply = awaitReplies(slow, 1).get(0);
    assertThat(reply.type()).isEqualTo("PaymentAuthorized");
    assertThat(reply.body().path("amount").path("amount").asLong()).isEqualTo(3750);
    assertThat(list(slow, TestTokens.customer(customer)).getString("items[0].status"))
        .isEqualTo("AUTHORIZED");
  }

  @Test
  void tokSlowIsAnsweredInRealTimeToo() throws Exception {
    UUID order = UUID.randomUUID();
    Instant sent = Instant.now();
    send(commands.authorize(order, UUID.randomUUID(), PaymentTokens.SLOW));

    Reply reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("PaymentAuthorized");
    assertThat(Duration.between(sent, reply.receivedAt()))
        .isGreaterThanOrEqualTo(config.slowDelay());
  }

  @Test
  void aPendingAuthorizationLeftByACrashIsCompletedByThePoller() throws Exception {
    // As if a process recorded the pending authorization and died before its answer was due: the
    // deadline is in the database, so whoever polls next completes it.
    UUID order = UUID.randomUUID();
    UUID payment = UUID.randomUUID();
    Instant past = clock.instant().minusSeconds(30);
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO payments (id, order_id, customer_id, amount, currency, token,"
                      + " status, decide_at, created_at, updated_at)"
                      + " VALUES (?, ?, ?, 3750, 'EUR', 'tok_slow', 'PENDING', ?, ?, ?)")) {
            ps.setObject(1, payment);
            ps.setObject(2, order);
            ps.setObject(3, UUID.randomUUID());
            ps.setObject(4, past.atOffset(ZoneOffset.UTC));
            ps.setObject(5, past.atOffset(ZoneOffset.UTC));
            ps.setObject(6, past.atOffset(ZoneOffset.UTC));
            return ps.executeUpdate();
          }
        });

    Reply reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("PaymentAuthorized");
    assertThat(reply.body().path("paymentId").asText()).isEqualTo(payment.toString());
    assertThat(status(order)).isEqualTo("AUTHORIZED");
  }

  @Test
  void tokErrorFailsTransientlyThenAuthorizesWithOnePayment() throws Exception {
    UUID order = UUID.randomUUID();
    Envelope command = commands.authorize(order, UUID.randomUUID(), PaymentTokens.ERROR);
    send(command);

    Reply reply = awaitReplies(order, 1).get(0);
    assertThat(reply.type()).isEqualTo("PaymentAuthorized");
    // error-failures failed calls, each rolled back and redelivered by the inbox consumer, then
    // the one that authorized.
    assertThat(providerCalls(order)).isEqualTo(config.errorFailures() + 1);
    assertThat(paymentRows(order)).isEqualTo(1);
    assertThat(inboxHas(command.id())).isTrue();
    assertThat(parked(command.id())).isFalse();
    // Nothing more comes: the command was handled exactly once in the end.
    Thread.sleep(500);
    assertThat(repliesFor(order)).hasSize(1);
  }

  // --- Idempotency per order ---

  @Test
  void aRedeliveredCommandChargesOnceAndRepliesOnce() throws Exception {
    UUID order = UUID.randomUUID();
    Envelope command = commands.authorize(order, UUID.randomUUID(), PaymentTokens.OK);
    send(command);
    send(command);
    // One consumer handles the queue in order: once the later order is answered, both copies of
    // the first have been handled.
    UUID later = UUID.randomUUID();
    send(commands.authorize(later, UUID.randomUUID(), PaymentTokens.OK));
    awaitReplies(later, 1);

    assertThat(awaitReplies(order, 1)).hasSize(1);
    Thread.sleep(300);
    assertThat(repliesFor(order)).hasSize(1);
    assertThat(paymentRows(order)).isEqualTo(1);
  }

  @Test
  void aSecondCommandForTheSameOrderGetsTheFirstOutcomeAgain() throws Exception {
    UUID order = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    send(commands.authorize(order, customer, PaymentTokens.OK));
    Reply first = awaitReplies(order, 1).get(0);
    // A new message for the same order, even with another token, is not charged again.
    send(commands.authorize(order, customer, PaymentTokens.OK));
    send(commands.authorize(order, customer, PaymentTokens.DECLINED));

    List<Reply> all = awaitReplies(order, 3);
    assertThat(all).extracting(Reply::type).containsOnly("PaymentAuthorized");
    assertThat(all)
        .extracting(r -> r.body().path("paymentId").asText())
        .containsOnly(first.body().path("paymentId").asText());
    assertThat(paymentRows(order)).isEqualTo(1);
  }

  @Test
  void aSecondCommandForADeclinedOrderIsDeclinedAgain() throws Exception {
    UUID order = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    send(commands.authorize(order, customer, PaymentTokens.DECLINED));
    awaitReplies(order, 1);
    send(commands.authorize(order, customer, PaymentTokens.OK));

    List<Reply> all = awaitReplies(order, 2);
    assertThat(all).extracting(Reply::type).containsOnly("PaymentDeclined");
    assertThat(status(order)).isEqualTo("DECLINED");
  }

  @Test
  void twoInstancesRacingForTheSameOrderChargeItOnce() throws Exception {
    // Two consumers (as on two instances) handle commands for one order at the same moment: the
    // order's primary key lets one insert win; the other answers with the winner's outcome.
    UUID order = UUID.randomUUID();
    AuthorizePayment command =
        new AuthorizePayment(order, UUID.randomUUID(), Commands.AMOUNT, PaymentTokens.OK);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  return Tx.run(
                      dataSource,
                      c -> {
                        paymentCommands.authorize(c, command);
                        return null;
                      });
                }));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(paymentRows(order)).isEqualTo(1);
    List<Reply> both = awaitReplies(order, 2);
    assertThat(both).extracting(Reply::type).containsOnly("PaymentAuthorized");
    assertThat(both.get(0).body()).isEqualTo(both.get(1).body());
  }

  @Test
  void aBurstOfOrdersIsChargedOnceEachWithSlowOnesInBetween() throws Exception {
    int orders = 200;
    List<UUID> ids = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < orders; i++) {
      UUID order = UUID.randomUUID();
      ids.add(order);
      String token = i % 10 == 0 ? PaymentTokens.SLOW : PaymentTokens.OK;
      send(commands.authorize(order, UUID.randomUUID(), token));
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(
            // At least every tok_ok one; on a slow machine some tok_slow ones may be due already.
            () -> ids.stream().filter(id -> !repliesFor(id).isEmpty()).count() >= orders * 9 / 10);
    long fastMillis = (System.nanoTime() - start) / 1_000_000;
    clock.advance(config.slowDelay());
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ids.stream().allMatch(id -> !repliesFor(id).isEmpty()));
    long allMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "payments burst: %d tok_ok answered in %d ms (%.0f/s); all %d incl. tok_slow in %d ms%n",
        orders * 9 / 10, fastMillis, orders * 9 / 10 * 1000.0 / fastMillis, orders, allMillis);

    for (UUID id : ids) {
      assertThat(repliesFor(id)).extracting(Reply::type).containsExactly("PaymentAuthorized");
      assertThat(paymentRows(id)).isEqualTo(1);
    }
  }

  // --- RefundPayment ---

  @Test
  void aRefundAfterAuthorizationRefundsTheCharge() throws Exception {
    UUID order = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    send(commands.authorize(order, customer, PaymentTokens.OK));
    String paymentId = awaitReplies(order, 1).get(0).body().path("paymentId").asText();
    send(commands.refund(order));

    Reply refunded = awaitReplies(order, 2).get(1);
    assertThat(refunded.type()).isEqualTo("PaymentRefunded");
    assertThat(refunded.routingKey()).isEqualTo(PaymentsContract.PAYMENT_REFUNDED);
    assertThat(refunded.body().path("paymentId").asText()).isEqualTo(paymentId);
    assertThat(refunded.body().path("amount").path("amount").asLong()).isEqualTo(3750);
    assertThat(list(order, TestTokens.customer(customer)).getString("items[0].status"))
        .isEqualTo("REFUNDED");
  }

  @Test
  void aSecondRefundRepliesAgainButRefundsOnce() throws Exception {
    UUID order = UUID.randomUUID();
    send(commands.authorize(order, UUID.randomUUID(), PaymentTokens.OK));
    awaitReplies(order, 1);
    send(commands.refund(order));
    send(commands.refund(order));

    List<Reply> all = awaitReplies(order, 3);
    assertThat(all.subList(1, 3)).extracting(Reply::type).containsOnly("PaymentRefunded");
    assertThat(all.get(1).body()).isEqualTo(all.get(2).body());
    assertThat(status(order)).isEqualTo("REFUNDED");
    assertThat(paymentRows(order)).isEqualTo(1);
    // A repeated authorization after the refund does not charge again.
    send(commands.authorize(order, UUID.randomUUID(), PaymentTokens.OK));
    Reply again = awaitReplies(order, 4).get(3);
    assertThat(again.type()).isEqualTo("PaymentDeclined");
    assertThat(again.body().path("reason").asText()).isEqualTo("payment was refunded");
    assertThat(status(order)).isEqualTo("REFUNDED");
  }

  @Test
  void aRefundBeforeTheAuthorizationMakesItDeclinedAndNothingIsCharged() throws Exception {
    UUID order = UUID.randomUUID();
    UUID customer = UUID.randomUUID();
    send(commands.refund(order));

    Reply refunded = awaitReplies(order, 1).get(0);
    assertThat(refunded.type()).isEqualTo("PaymentRefunded");
    assertThat(refunded.body().get("paymentId").isNull()).isTrue();
    assertThat(refunded.body().get("amount").isNull()).isTrue();
    // The marker is not a payment.
    assertThat(list(order, admin()).getList("items")).isEmpty();

    send(commands.authorize(order, customer, PaymentTokens.OK));
    Reply declined = awaitReplies(order, 2).get(1);
    assertThat(declined.type()).isEqualTo("PaymentDeclined");
    assertThat(declined.body().path("reason").asText())
        .isEqualTo("order was refunded before authorization");
    assertThat(status(order)).isEqualTo("DECLINED");
    assertThat(paymentRows(order)).isEqualTo(1);
    assertThat(list(order, TestTokens.customer(customer)).getString("items[0].status"))
        .isEqualTo("DECLINED");
  }

  @Test
  void aRefundOfADeclinedPaymentRefundsNothing() throws Exception {
    UUID order = UUID.randomUUID();
    send(commands.authorize(order, UUID.randomUUID(), PaymentTokens.DECLINED));
    awaitReplies(order, 1);
    send(commands.refund(order));

    Reply refunded = awaitReplies(order, 2).get(1);
    assertThat(refunded.type()).isEqualTo("PaymentRefunded");
    assertThat(refunded.body().get("paymentId").isNull()).isTrue();
    assertThat(status(order)).isEqualTo("DECLINED");
  }

  @Test
  void aRefundWhileTheAuthorizationIsPendingMeansItIsNeverCharged() throws Exception {
    UUID order = UUID.randomUUID();
    send(commands.authorize(order, UUID.randomUUID(), PaymentTokens.SLOW));
    Awaitility.await().atMost(EVENTUALLY).until(() -> "PENDING".equals(status(order)));
    send(commands.refund(order));

    List<Reply> both = awaitReplies(order, 2);
    assertThat(both).extracting(Reply::type).containsExactly("PaymentDeclined", "PaymentRefunded");
    assertThat(both.get(0).body().path("reason").asText())
        .isEqualTo("order was refunded before authorization");
    assertThat(both.get(1).body().get("paymentId").isNull()).isTrue();

    // Long past the provider's answer, still nothing charged.
    clock.advance(config.slowDelay().multipliedBy(2));
    Thread.sleep(config.pollInterval().multipliedBy(5).toMillis());
    assertThat(status(order)).isEqualTo("DECLINED");
    assertThat(repliesFor(order)).extracting(Reply::type).doesNotContain("PaymentAuthorized");
  }

  // --- Other messages ---

  @Test
  void anUnknownCommandIsAckedAndIgnored() throws Exception {
    UUID order = UUID.randomUUID();
    Envelope unknown = Commands.envelope("CapturePayment", "{\"orderId\":\"" + order + "\"}");
    // The queue binds only the routing keys of the commands payments handles; a type it does not
    // know arriving on one of them is acked and ignored.
    send(unknown, "payments.AuthorizePayment");

    Awaitility.await().atMost(EVENTUALLY).until(() -> inboxHas(unknown.id()));
    assertThat(paymentRows(order)).isZero();
    assertThat(repliesFor(order)).isEmpty();
    assertThat(parked(unknown.id())).isFalse();
  }

  @Test
  void aCommandWithoutAnOrderIdIsParked() throws Exception {
    Envelope broken =
        Commands.envelope(
            "AuthorizePayment",
            "{\"customerId\":\"" + UUID.randomUUID() + "\",\"paymentToken\":\"tok_ok\"}");
    send(broken);

    Awaitility.await().atMost(EVENTUALLY).until(() -> parked(broken.id()));
    assertThat(inboxHas(broken.id())).isFalse();
  }

  // --- GET /api/v1/payments?orderId= ---

  @Test
  void onlyTheOwnerAndAdminsSeeAPayment() throws Exception {
    UUID order = UUID.randomUUID();
    UUID owner = UUID.randomUUID();
    send(commands.authorize(order, owner, PaymentTokens.OK));
    awaitReplies(order, 1);

    assertThat(list(order, TestTokens.customer(owner)).getList("items")).hasSize(1);
    assertThat(list(order, TestTokens.customer(UUID.randomUUID())).getList("items")).isEmpty();
    JsonPath asAdmin = list(order, admin());
    assertThat(asAdmin.getList("items")).hasSize(1);
    assertThat(asAdmin.getString("items[0].status")).isEqualTo("AUTHORIZED");
    // An order nobody paid for looks the same as someone else's: no items.
    assertThat(list(UUID.randomUUID(), TestTokens.customer(owner)).getList("items")).isEmpty();
  }

  @Test
  void aMissingOrMalformedOrderIdIsAProblemNamingIt() {
    String token = TestTokens.customer(UUID.randomUUID());
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/payments")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/validation"))
        .body("errors[0].field", equalTo("orderId"))
        .body("detail", containsString("orderId is required"));
    for (String bad : List.of("", "abc", "1-2-3-4-5", UUID.randomUUID() + "x")) {
      given()
          .auth()
          .oauth2(token)
          .queryParam("orderId", bad)
          .get("/api/v1/payments")
          .then()
          .statusCode(400)
          .contentType("application/problem+json")
          .body("errors[0].field", equalTo("orderId"));
    }
    given()
        .auth()
        .oauth2(token)
        .queryParam("orderId", "abc")
        .get("/api/v1/payments")
        .then()
        .body("detail", containsString("orderId must be a UUID, but was 'abc'"));
  }

  @Test
  void withoutAValidTokenItIsUnauthorized() {
    String path = byOrder(UUID.randomUUID());
    given()
        .get(path)
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/unauthorized"));
    given().auth().oauth2("garbage").get(path).then().statusCode(401);
    given().auth().oauth2(TestTokens.expired(UUID.randomUUID())).get(path).then().statusCode(401);
    given().auth().oauth2(TestTokens.unsigned(UUID.randomUUID())).get(path).then().statusCode(401);
  }

  @Test
  void theOpenApiDocumentDescribesTheEndpoint() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths.'/api/v1/payments'.get.parameters.name", hasItem("orderId"));
  }

  // --- helpers ---

  private void send(Envelope envelope) throws Exception {
    send(envelope, "payments." + envelope.type());
  }

  private void send(Envelope envelope, String routingKey) throws Exception {
    channel.basicPublish(
        Topology.COMMANDS_EXCHANGE, routingKey, envelope.toProperties(Map.of()), envelope.body());
    channel.waitForConfirmsOrDie(5_000);
  }

  private List<Reply> repliesFor(UUID order) {
    List<Reply> out = new ArrayList<>();
    for (Reply r : replies) {
      if (r.orderId().equals(order.toString())) {
        out.add(r);
      }
    }
    return out;
  }

  private List<Reply> awaitReplies(UUID order, int count) {
    Awaitility.await().atMost(EVENTUALLY).until(() -> repliesFor(order).size() >= count);
    return repliesFor(order);
  }

  private static String byOrder(UUID order) {
    return "/api/v1/payments?orderId=" + order;
  }

  private JsonPath list(UUID order, String token) {
    return given()
        .auth()
        .oauth2(token)
        .get(byOrder(order))
        .then()
        .statusCode(200)
        .body("items", notNullValue())
        .extract()
        .jsonPath();
  }

  private String status(UUID order) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT status FROM payments WHERE order_id = ?")) {
            ps.setObject(1, order);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }

  private int paymentRows(UUID order) {
    return count("SELECT count(*) FROM payments WHERE order_id = ?", order);
  }

  private int providerCalls(UUID order) {
    return count("SELECT coalesce(sum(calls), 0) FROM provider_calls WHERE order_id = ?", order);
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

  /** Whether the message sits on the parking queue; other parked messages are put back. */
  private boolean parked(UUID messageId) throws IOException {
    String queue = PaymentsContract.COMMANDS_QUEUE + Topology.PARKED_SUFFIX;
    List<GetResponse> seen = new ArrayList<>();
    boolean found = false;
    GetResponse got;
    while ((got = channel.basicGet(queue, false)) != null) {
      seen.add(got);
      if (messageId.toString().equals(got.getProps().getMessageId())) {
        found = true;
      }
    }
    for (GetResponse r : seen) {
      channel.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
    }
    return found;
  }

  private int count(String sql, UUID order) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, order);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  private static String admin() {
    return TestTokens.token(UUID.randomUUID(), Set.of("admin"), Duration.ofMinutes(15));
  }
}
