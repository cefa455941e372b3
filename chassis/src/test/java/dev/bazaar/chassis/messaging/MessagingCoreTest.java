package dev.bazaar.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.inbox.InboxConsumer;
import dev.bazaar.chassis.outbox.Outbox;
import dev.bazaar.chassis.outbox.OutboxRelay;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.testing.InfraResource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The outbox relay and the inbox consumer without Quarkus, against a real PostgreSQL and a real
 * AMQP broker (embedded by default, the machine's with the real-infra profile).
 */
class MessagingCoreTest {

  static InfraResource infra;
  static DataSource db;
  static AmqpConnector amqp;

  @BeforeAll
  static void start() throws Exception {
    infra = new InfraResource();
    Map<String, String> cfg = infra.start();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(cfg.get("quarkus.datasource.jdbc.url"));
    ds.setUser(cfg.get("quarkus.datasource.username"));
    ds.setPassword(cfg.get("quarkus.datasource.password"));
    db = ds;
    migrate(db);
    amqp = new AmqpConnector(cfg.get("bazaar.amqp.url"), "chassis-test");
    amqp.start();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(amqp::isOpen);
  }

  /** The database of {@code cfg} (an {@link InfraResource}'s), with the chassis' migrations. */
  static DataSource migratedDatabase(Map<String, String> cfg) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(cfg.get("quarkus.datasource.jdbc.url"));
    ds.setUser(cfg.get("quarkus.datasource.username"));
    ds.setPassword(cfg.get("quarkus.datasource.password"));
    migrate(ds);
    return ds;
  }

  /** The chassis' migrations, in order (no Flyway without Quarkus). */
  static void migrate(DataSource db) throws Exception {
    for (String file :
        List.of("V0_1__outbox_inbox.sql", "V0_2__outbox_headers_and_retention.sql")) {
      try (InputStream in = MessagingCoreTest.class.getResourceAsStream("/db/chassis/" + file)) {
        String ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Tx.run(db, c -> c.createStatement().execute(ddl));
      }
    }
  }

  @AfterAll
  static void stop() {
    amqp.close();
    infra.stop();
  }

  static List<String> handled(String queue) {
    return Tx.run(
        db,
        c -> {
          List<String> out = new java.util.ArrayList<>();
          try (var ps = c.prepareStatement("SELECT payload FROM handled WHERE queue = ?")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(rs.getString(1).replace(" ", ""));
              }
            }
          }
          return out;
        });
  }

  /** Each test relays only its own rows: what another test left behind is gone. */
  @BeforeEach
  void emptyOutbox() {
    Tx.run(db, c -> c.createStatement().executeUpdate("DELETE FROM outbox"));
  }

  static Envelope event(String type, String payload) {
    return Envelope.create(type, 1, Instant.now(), null, null, payload);
  }

  static String tempQueue(Channel ch, String routingKey) throws Exception {
    ch.exchangeDeclare(Topology.EVENTS_EXCHANGE, "topic", true);
    String q = ch.queueDeclare().getQueue();
    ch.queueBind(q, Topology.EVENTS_EXCHANGE, routingKey);
    return q;
  }

  static long unsent(String routingKey) {
    return Tx.run(
        db,
        c -> {
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND routing_key = '"
                          + routingKey
                          + "'");
          rs.next();
          return rs.getLong(1);
        });
  }

  @Test
  void relayPublishesCommittedRowsWithConfirmsAndMarksThemSent() throws Exception {
    String key = "test." + UUID.randomUUID();
    try (Channel ch = amqp.createChannel()) {
      String q = tempQueue(ch, key);
      List<Envelope> sent = List.of(event("A", "{\"n\":1}"), event("B", "{\"n\":2}"));
      Tx.run(
          db,
          c -> {
            for (Envelope e : sent) {
              Outbox.append(c, Topology.EVENTS_EXCHANGE, key, e);
            }
            return null;
          });
      // A rolled-back transaction leaves nothing to publish.
      try {
        Tx.run(
            db,
            c -> {
              Outbox.append(c, Topology.EVENTS_EXCHANGE, key, event("C", "{}"));
              throw new IllegalStateException("business rule failed");
            });
      } catch (IllegalStateException expected) {
        // the point of the test
      }
      OutboxRelay relay =
          new OutboxRelay(db, amqp, Clock.systemUTC(), OutboxRelay.Settings.defaults());
      int published = 0;
      for (int i = 0; i < 10 && unsent(key) > 0; i++) {
        published += relay.relayOnce();
      }
      assertThat(published).isEqualTo(2);
      assertThat(unsent(key)).isZero();
      GetResponse a = ch.basicGet(q, true);
      GetResponse b = ch.basicGet(q, true);
      assertThat(ch.basicGet(q, true)).isNull();
      assertThat(List.of(a.getProps().getMessageId(), b.getProps().getMessageId()))
          .containsExactly(sent.get(0).id().toString(), sent.get(1).id().toString());
      assertThat(a.getProps().getDeliveryMode()).isEqualTo(2);
      // jsonb normalises whitespace; the content is what must survive.
      assertThat(Envelope.from(a.getProps(), a.getBody()).payload().replace(" ", ""))
          .isEqualTo("{\"n\":1}");
      relay.close();
    }
  }

  @Test
  void anIdleRelayStillSendsARowScheduledInItsProcessWhenItIsDue() throws Exception {
    String key = "test." + UUID.randomUUID();
    // After 12.7 s of empty passes the idle wait has doubled from 100 ms to 12.8 s.
    OutboxRelay relay =
        new OutboxRelay(
            db,
            amqp,
            Clock.systemUTC(),
            new OutboxRelay.Settings(
                200,
                Duration.ofMillis(100),
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(30),
                2000,
                Duration.ofSeconds(60)));
    relay.start();
    try (Channel ch = amqp.createChannel()) {
      String q = tempQueue(ch, key);
      Thread.sleep(12_700);
      Instant due = Instant.now().plusMillis(300);
      Envelope later = event("Later", "{}");
      Tx.run(
          db,
          c -> {
            Outbox.append(c, Topology.EVENTS_EXCHANGE, key, later, Map.of(), due);
            return null;
          });
      relay.wakeAt(due);
      Awaitility.await()
          .atMost(Duration.ofMillis(2500))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> ch.messageCount(q) == 1);
      assertThat(Instant.now()).isAfterOrEqualTo(due);
    } finally {
      relay.close();
    }
  }

  @Test
  void anUnroutableCommandStaysInTheOutboxUntilItsQueueExists() throws Exception {
    String key = "test." + UUID.randomUUID();
    String event = "test." + UUID.randomUUID();
    Envelope command = event("DoIt", "{}");
    Tx.run(
        db,
        c -> {
          Outbox.append(c, Topology.COMMANDS_EXCHANGE, key, command);
          // An event nobody listens to is fine to drop: only commands are mandatory.
          Outbox.append(c, Topology.EVENTS_EXCHANGE, event, event("Nobody", "{}"));
          return null;
        });
    OutboxRelay relay =
        new OutboxRelay(db, amqp, Clock.systemUTC(), OutboxRelay.Settings.defaults());
    try (Channel ch = amqp.createChannel()) {
      for (int i = 0; i < 10 && unsent(event) > 0; i++) {
        relay.relayOnce();
      }
      assertThat(unsent(event)).isZero();
      assertThat(unsent(key)).as("the command came back unroutable and was kept").isEqualTo(1);

      ch.exchangeDeclare(Topology.COMMANDS_EXCHANGE, "topic", true);
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, Topology.COMMANDS_EXCHANGE, key);
      Tx.run(
          db,
          c ->
              c.createStatement()
                  .executeUpdate(
                      "UPDATE outbox SET next_attempt_at = now() WHERE routing_key = '"
                          + key
                          + "'"));
      for (int i = 0; i < 10 && unsent(key) > 0; i++) {
        relay.relayOnce();
      }
      assertThat(unsent(key)).isZero();
      GetResponse got = ch.basicGet(q, true);
      assertThat(got).isNotNull();
      assertThat(got.getProps().getMessageId()).isEqualTo(command.id().toString());
    } finally {
      relay.close();
    }
  }

  @Test
  void aFailedPublishIsRecordedForALaterAttempt() throws Exception {
    String key = "test." + UUID.randomUUID();
    Envelope lost = event("Lost", "{}");
    Tx.run(
        db,
        c -> {
          Outbox.append(c, "no.such.exchange." + UUID.randomUUID(), key, lost);
          return null;
        });
    OutboxRelay relay =
        new OutboxRelay(db, amqp, Clock.systemUTC(), OutboxRelay.Settings.defaults());
    Instant before = Instant.now();
    assertThat(relay.relayOnce()).isZero();
    Tx.run(
        db,
        c -> {
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT attempts, last_error, next_attempt_at FROM outbox WHERE id = '"
                          + lost.id()
                          + "'");
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).isEqualTo(1);
          assertThat(rs.getString(2)).isNotBlank();
          assertThat(rs.getTimestamp(3).toInstant()).isAfter(before);
          return null;
        });
    relay.close();
    Tx.run(
        db,
        c ->
            c.createStatement()
                .executeUpdate("DELETE FROM outbox WHERE routing_key = '" + key + "'"));
  }

  @Test
  void relayWithoutBrokerKeepsRowsForLater() {
    String key = "test." + UUID.randomUUID();
    AmqpConnector nowhere = new AmqpConnector("amqp://guest:guest@127.0.0.1:1/", "nowhere");
    Tx.run(
        db,
        c -> {
          Outbox.append(c, Topology.EVENTS_EXCHANGE, key, event("A", "{}"));
          return null;
        });
    OutboxRelay relay =
        new OutboxRelay(db, nowhere, Clock.systemUTC(), OutboxRelay.Settings.defaults());
    assertThat(relay.relayOnce()).isZero();
    assertThat(unsent(key)).isEqualTo(1);
    Tx.run(
        db,
        c ->
            c.createStatement()
                .executeUpdate("DELETE FROM outbox WHERE routing_key = '" + key + "'"));
  }

  @Test
  void inboxRunsTheHandlerOncePerMessageIdAndParksPoison() throws Exception {
    String key = "test." + UUID.randomUUID();
    String queue = "chassis-test." + UUID.randomUUID();
    Tx.run(
        db,
        c ->
            c.createStatement()
                .execute("CREATE TABLE IF NOT EXISTS handled (queue text, payload text)"));
    AtomicInteger poisonAttempts = new AtomicInteger();
    InboxConsumer consumer =
        new InboxConsumer(
            db,
            amqp,
            queue,
            "test-consumer-" + queue,
            List.of(new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, key)),
            (Connection tx, Envelope e) -> {
              if (e.type().equals("Poison")) {
                poisonAttempts.incrementAndGet();
                throw new IllegalStateException("cannot handle this");
              }
              // The effect is written in the handler's transaction: what a batch that failed
              // wrote was rolled back with it, so each message's effect commits once.
              try (var ps =
                  tx.prepareStatement("INSERT INTO handled (queue, payload) VALUES (?, ?)")) {
                ps.setString(1, queue);
                ps.setString(2, e.payload());
                ps.executeUpdate();
              }
            },
            new InboxConsumer.Settings(3, 8, Duration.ofMillis(10)));
    // Retries and parked messages leave through the outbox: its relay must run.
    OutboxRelay relay =
        new OutboxRelay(db, amqp, Clock.systemUTC(), OutboxRelay.Settings.defaults());
    relay.start();
    consumer.afterCommit(relay::wake);
    consumer.start();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(consumer::isSubscribed);
    try (Channel ch = amqp.createChannel()) {
      Envelope once = event("Hello", "{\"hello\":1}");
      Envelope poison = event("Poison", "{}");
      Envelope after = event("Hello", "{\"hello\":2}");
      for (Envelope e : List.of(once, once, poison, after)) {
        ch.basicPublish(Topology.EVENTS_EXCHANGE, key, e.toProperties(Map.of()), e.body());
      }
      // No message id at all: unreadable, parked at once.
      ch.basicPublish(Topology.EVENTS_EXCHANGE, key, null, "{}".getBytes());

      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(handled(queue))
                    .containsExactlyInAnyOrder("{\"hello\":1}", "{\"hello\":2}");
                assertThat(ch.messageCount(queue + Topology.PARKED_SUFFIX)).isEqualTo(2);
              });
      // Three counted attempts; a batch that failed with it commits nothing and is not counted.
      assertThat(poisonAttempts.get()).isBetween(3, 4);
      GetResponse parked = ch.basicGet(queue + Topology.PARKED_SUFFIX, true);
      GetResponse parked2 = ch.basicGet(queue + Topology.PARKED_SUFFIX, true);
      List<Object> errors =
          List.of(
              parked.getProps().getHeaders().get(Envelope.HEADER_ERROR).toString(),
              parked2.getProps().getHeaders().get(Envelope.HEADER_ERROR).toString());
      assertThat(errors.toString()).contains("cannot handle this").contains("unreadable envelope");
      GetResponse failed = errors.get(0).toString().contains("cannot handle") ? parked : parked2;
      Map<String, Object> headers = failed.getProps().getHeaders();
      assertThat(headers.get(Envelope.HEADER_ATTEMPTS)).hasToString("3");
      assertThat(headers.get(Envelope.HEADER_ORIGINAL_QUEUE)).hasToString(queue);
      assertThat(Instant.parse(headers.get(Envelope.HEADER_PARKED_AT).toString()))
          .isBetween(Instant.now().minusSeconds(60), Instant.now());
      ch.queueDelete(queue);
      ch.queueDelete(queue + Topology.PARKED_SUFFIX);
    } finally {
      consumer.stop();
      relay.close();
    }
  }
}
