package dev.bazaar.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.inbox.InboxConsumer;
import dev.bazaar.chassis.outbox.Outbox;
import dev.bazaar.chassis.outbox.OutboxRelay;
import dev.bazaar.chassis.outbox.Retention;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.testing.InfraResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Batched consumption keeps the inbox's exactly-once effect: a batch is one transaction, a failure
 * half-way commits nothing and the broker redelivers the batch, and redelivered or duplicated
 * messages change nothing twice. Retention never deletes what could still be needed.
 */
class BatchedInboxTest {

  static InfraResource infra;
  static DataSource db;
  static AmqpConnector amqp;
  static OutboxRelay relay;

  @BeforeAll
  static void start() throws Exception {
    infra = new InfraResource();
    Map<String, String> cfg = infra.start();
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(cfg.get("quarkus.datasource.jdbc.url"));
    ds.setUser(cfg.get("quarkus.datasource.username"));
    ds.setPassword(cfg.get("quarkus.datasource.password"));
    db = ds;
    MessagingCoreTest.migrate(db);
    Tx.run(
        db,
        c ->
            c.createStatement()
                .execute(
                    "CREATE TABLE IF NOT EXISTS effects (queue text NOT NULL, payload text NOT NULL)"));
    amqp = new AmqpConnector(cfg.get("bazaar.amqp.url"), "batch-test");
    amqp.start();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(amqp::isOpen);
    relay = new OutboxRelay(db, amqp, Clock.systemUTC(), OutboxRelay.Settings.defaults());
    relay.start();
  }

  @AfterAll
  static void stop() {
    relay.close();
    amqp.close();
    infra.stop();
  }

  /** A handler's record of one call: which transaction, which message. */
  record Call(int tx, String payload) {}

  /** A consumer whose handler writes an effect row and fails once on "boom" when asked to. */
  private static InboxConsumer consumer(
      String queue, String key, ConcurrentLinkedQueue<Call> calls, AtomicBoolean failBoomOnce) {
    InboxConsumer consumer =
        new InboxConsumer(
            db,
            amqp,
            queue,
            "batch-" + queue,
            List.of(new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, key)),
            (Connection tx, Envelope e) -> {
              calls.add(new Call(System.identityHashCode(tx), e.payload()));
              try (PreparedStatement ps =
                  tx.prepareStatement("INSERT INTO effects (queue, payload) VALUES (?, ?)")) {
                ps.setString(1, queue);
                ps.setString(2, e.payload());
                ps.executeUpdate();
              }
              if (e.payload().equals("\"boom\"") && failBoomOnce.getAndSet(false)) {
                throw new IllegalStateException("boom, half-way through the batch");
              }
            },
            // A linger makes the four deliveries one batch.
            new InboxConsumer.Settings(5, 16, Duration.ofMillis(50), Duration.ofMillis(300)));
    consumer.afterCommit(relay::wake);
    return consumer;
  }

  private static Map<String, Long> effects(String queue) {
    return Tx.run(
        db,
        c -> {
          Map<String, Long> out = new java.util.TreeMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT payload, count(*) FROM effects WHERE queue = ? GROUP BY payload")) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
              }
            }
          }
          return out;
        });
  }

  private static void publish(Channel ch, String key, List<Envelope> envelopes) throws Exception {
    for (Envelope e : envelopes) {
      ch.basicPublish(Topology.EVENTS_EXCHANGE, key, e.toProperties(Map.of()), e.body());
    }
  }

  private static Envelope event(String payload) {
    return Envelope.create("Thing", 1, Instant.now(), null, null, payload);
  }

  @Test
  void aBatchWhoseHandlerFailsHalfWayCommitsNothingAndIsRedelivered() throws Exception {
    String key = "batch." + UUID.randomUUID();
    String queue = "batch-test." + UUID.randomUUID();
    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    InboxConsumer consumer = consumer(queue, key, calls, new AtomicBoolean(true));
    try (Channel ch = amqp.createChannel()) {
      ch.exchangeDeclare(Topology.EVENTS_EXCHANGE, "topic", true);
      ch.queueDeclare(queue, true, false, false, null);
      ch.queueBind(queue, Topology.EVENTS_EXCHANGE, key);
      publish(ch, key, List.of(event("\"a\""), event("\"b\""), event("\"boom\""), event("\"c\"")));
      consumer.start();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> effects(queue).size() == 4);
      Thread.sleep(500);
      // Each message changed the table exactly once, though a and b ran twice: the failed batch's
      // writes were rolled back with it.
      assertThat(effects(queue))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("\"a\"", 1L, "\"b\"", 1L, "\"boom\"", 1L, "\"c\"", 1L));
      List<Call> all = List.copyOf(calls);
      int firstTx = all.get(0).tx();
      List<String> firstBatch =
          all.stream().filter(c -> c.tx() == firstTx).map(Call::payload).toList();
      assertThat(firstBatch).as("one transaction took a, b and boom").startsWith("\"a\"", "\"b\"");
      assertThat(firstBatch).contains("\"boom\"");
      assertThat(all.stream().filter(c -> c.payload().equals("\"a\"")).count())
          .as("a was redelivered after the batch failed")
          .isEqualTo(2);
      assertThat(ch.messageCount(queue)).isZero();
      ch.queueDelete(queue);
      ch.queueDelete(queue + Topology.PARKED_SUFFIX);
    } finally {
      consumer.stop();
    }
  }

  @Test
  void aRedeliveredBatchHasNoDoubleEffect() throws Exception {
    String key = "batch." + UUID.randomUUID();
    String queue = "batch-test." + UUID.randomUUID();
    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    InboxConsumer consumer = consumer(queue, key, calls, new AtomicBoolean(false));
    List<Envelope> batch = List.of(event("\"x\""), event("\"y\""), event("\"z\""));
    try (Channel ch = amqp.createChannel()) {
      ch.exchangeDeclare(Topology.EVENTS_EXCHANGE, "topic", true);
      ch.queueDeclare(queue, true, false, false, null);
      ch.queueBind(queue, Topology.EVENTS_EXCHANGE, key);
      publish(ch, key, batch);
      consumer.start();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> effects(queue).size() == 3);
      // The same messages again, as a broker redelivers them when an ack was lost.
      publish(ch, key, batch);
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ch.messageCount(queue) == 0);
      Thread.sleep(1000);
      assertThat(effects(queue))
          .containsExactlyInAnyOrderEntriesOf(Map.of("\"x\"", 1L, "\"y\"", 1L, "\"z\"", 1L));
      assertThat(calls).hasSize(3);
      ch.queueDelete(queue);
      ch.queueDelete(queue + Topology.PARKED_SUFFIX);
    } finally {
      consumer.stop();
    }
  }

  @Test
  void retentionDeletesOnlySentRowsAndKeysOlderThanTheirCutOff() {
    UUID oldKey = UUID.randomUUID();
    UUID recentKey = UUID.randomUUID();
    Envelope oldSent = event("1");
    Envelope oldUnsent = event("2");
    Instant now = Instant.now();
    Tx.run(
        db,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO inbox (message_id, consumer, received_at) VALUES (?, 'r', ?)")) {
            ps.setObject(1, oldKey);
            ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofHours(2))));
            ps.executeUpdate();
            ps.setObject(1, recentKey);
            ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofMinutes(30))));
            ps.executeUpdate();
          }
          Outbox.append(c, Topology.EVENTS_EXCHANGE, "retention.test", oldSent);
          Outbox.append(c, Topology.EVENTS_EXCHANGE, "retention.test", oldUnsent);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE outbox SET occurred_at = ?, next_attempt_at = ?,"
                      + " sent_at = CASE WHEN id = ? THEN CAST(? AS timestamptz) END WHERE id IN (?, ?)")) {
            Timestamp longAgo = Timestamp.from(now.minus(Duration.ofDays(30)));
            ps.setTimestamp(1, longAgo);
            ps.setTimestamp(2, Timestamp.from(now.plus(Duration.ofDays(1))));
            ps.setObject(3, oldSent.id());
            ps.setTimestamp(4, longAgo);
            ps.setObject(5, oldSent.id());
            ps.setObject(6, oldUnsent.id());
            ps.executeUpdate();
          }
          return null;
        });
    Instant cutOff = now.minus(Duration.ofHours(1));
    Retention.purgeInbox(db, cutOff);
    Retention.purgeOutbox(db, cutOff);
    assertThat(exists("SELECT 1 FROM inbox WHERE message_id = ?", oldKey)).isFalse();
    assertThat(exists("SELECT 1 FROM inbox WHERE message_id = ?", recentKey)).isTrue();
    assertThat(exists("SELECT 1 FROM outbox WHERE id = ?", oldSent.id())).isFalse();
    assertThat(exists("SELECT 1 FROM outbox WHERE id = ?", oldUnsent.id()))
        .as("an unsent row is never purged, however old")
        .isTrue();
    Tx.run(
        db,
        c ->
            c.createStatement()
                .executeUpdate("DELETE FROM outbox WHERE routing_key = 'retention.test'"));
  }

  @Test
  void anInboxRetentionShorterThanTheDuplicateWindowIsRefused() {
    assertThatThrownBy(() -> Retention.checkedInboxRetention(Duration.ofMinutes(30)))
        .hasMessageContaining("bazaar.inbox.retention must be at least");
    assertThat(Retention.checkedInboxRetention(Duration.ofDays(7))).isEqualTo(Duration.ofDays(7));
  }

  private static boolean exists(String sql, UUID id) {
    return Tx.run(
        db,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next();
            }
          }
        });
  }
}
