package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.inbox.InboxConsumer;
import dev.bazaar.chassis.messaging.AmqpConnector;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.outbox.OutboxRelay;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.launcher.broker.TestBroker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bazaar messages parked|replay} against messages parked by the real chassis consumer: on
 * the launcher's embedded broker (Qpid Broker-J), or on RabbitMQ in a fresh virtual host with
 * {@code -Preal-infra} ({@code BAZAAR_TEST_AMQP_URL}, default the one on 127.0.0.1).
 */
class MessagesIT {

  static final ObjectMapper JSON = new ObjectMapper();

  static EmbeddedPostgres postgres;
  static TestBroker broker;
  static String vhost;
  static String amqpUrl;
  static AmqpConnector amqp;
  static OutboxRelay relay;

  @TempDir static Path work;

  /** Handler calls per message id; ids in {@link #healed} succeed, every other one fails. */
  static final Map<UUID, AtomicInteger> calls = new ConcurrentHashMap<>();

  static final Set<UUID> healed = ConcurrentHashMap.newKeySet();
  static final Set<UUID> handled = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws Exception {
    if ("real".equals(System.getProperty("bazaar.test.infra"))) {
      String base = env("BAZAAR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672");
      vhost = "bazaar-messages-it-" + UUID.randomUUID().toString().substring(0, 8);
      rabbitmqctl("add_vhost", vhost);
      rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
      amqpUrl = base.replaceAll("/+$", "") + "/" + vhost;
    } else {
      broker = TestBroker.start(TestPorts.free(), Files.createDirectories(work.resolve("broker")));
      amqpUrl = broker.url();
    }
    postgres = EmbeddedPostgres.builder().start();
    DataSource db = postgres.getPostgresDatabase();
    for (String migration :
        List.of("V0_1__outbox_inbox.sql", "V0_2__outbox_headers_and_retention.sql")) {
      try (InputStream in = MessagesIT.class.getResourceAsStream("/db/chassis/" + migration)) {
        String ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Tx.run(db, c -> c.createStatement().execute(ddl));
      }
    }
    amqp = new AmqpConnector(amqpUrl, "messages-it");
    amqp.start();
    await(Duration.ofSeconds(15), amqp::isOpen);
    // Retries and parking go out through the consumer's own outbox, as in the services.
    relay = new OutboxRelay(db, amqp, Clock.systemUTC(), OutboxRelay.Settings.defaults());
    relay.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (relay != null) {
      relay.close();
    }
    if (amqp != null) {
      amqp.close();
    }
    if (broker != null) {
      broker.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (vhost != null) {
      rabbitmqctl("delete_vhost", vhost);
    }
  }

  /** A consumer as the services run it, with two attempts before parking. */
  static String consumer() throws Exception {
    String queue = "it-" + UUID.randomUUID();
    InboxConsumer consumer =
        new InboxConsumer(
            postgres.getPostgresDatabase(),
            amqp,
            queue,
            "it:" + queue,
            List.of(new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, queue)),
            (tx, e) -> {
              calls.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
              if (!healed.contains(e.id())) {
                throw new IllegalStateException("handler cannot take " + e.type() + " yet");
              }
              handled.add(e.id());
            },
            new InboxConsumer.Settings(2, 8, Duration.ofMillis(10)));
    consumer.afterCommit(relay::wake);
    consumer.start();
    await(Duration.ofSeconds(15), consumer::isSubscribed);
    return queue;
  }

  static Envelope publish(String queue, String type) throws Exception {
    Envelope e = Envelope.create(type, 1, Instant.now(), null, null, "{\"n\":1}");
    try (Channel ch = amqp.createChannel()) {
      ch.confirmSelect();
      ch.basicPublish(Topology.EVENTS_EXCHANGE, queue, e.toProperties(Map.of()), e.body());
      ch.waitForConfirmsOrDie(5_000);
    }
    return e;
  }

  static long parkedCount(String queue) throws Exception {
    try (Channel ch = amqp.createChannel()) {
      return ch.messageCount(queue + Topology.PARKED_SUFFIX);
    }
  }

  /** Runs {@code bazaar <args>} in-process; exit code, stdout, stderr. */
  record Run(int exit, String out, String err) {}

  Run bazaar(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", work.resolve("data").toString()));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  Run parkedJson(String queue) {
    return bazaar("messages", "parked", "--json", "--amqp-url", amqpUrl, "--queue", queue);
  }

  static List<String> ids(Run run) throws Exception {
    List<String> ids = new ArrayList<>();
    JSON.readTree(run.out()).forEach(n -> ids.add(n.get("id").asText()));
    return ids;
  }

  @Test
  void listsParkedMessagesWithoutLosingOrReorderingThem() throws Exception {
    String queue = consumer();
    Envelope first = publish(queue, "First");
    Envelope second = publish(queue, "Second");
    await(Duration.ofSeconds(20), () -> parkedCount(queue) == 2);

    Run json = parkedJson(queue);
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode rows = JSON.readTree(json.out());
    assertThat(rows).hasSize(2);
    JsonNode row = rows.get(0);
    assertThat(row.get("id").asText()).isEqualTo(first.id().toString());
    assertThat(row.get("type").asText()).isEqualTo("First");
    assertThat(row.get("queue").asText()).isEqualTo(queue);
    assertThat(row.get("attempts").asInt()).isEqualTo(2);
    assertThat(row.get("error").asText()).contains("handler cannot take First yet");
    assertThat(Instant.parse(row.get("parkedAt").asText())).isBefore(Instant.now().plusSeconds(1));

    // Listing again (and as a table) finds the same messages in the same order.
    assertThat(ids(parkedJson(queue)))
        .containsExactly(first.id().toString(), second.id().toString());
    Run table = bazaar("messages", "parked", "--amqp-url", amqpUrl, "--queue", queue);
    assertThat(table.exit()).isZero();
    assertThat(table.out())
        .contains("ID", "TYPE", "QUEUE", "ATTEMPTS", "PARKED AT", "ERROR")
        .contains(first.id().toString(), second.id().toString(), "IllegalStateException");
    assertThat(parkedCount(queue)).isEqualTo(2);
  }

  @Test
  void replaySendsTheMessageBackWithItsAttemptsResetAndRemovesTheParkedCopy() throws Exception {
    String queue = consumer();
    Envelope fixed = publish(queue, "Fixed");
    Envelope stillBroken = publish(queue, "StillBroken");
    await(Duration.ofSeconds(20), () -> parkedCount(queue) == 2);

    // The bug is fixed for one message: replaying it gets it handled, once.
    healed.add(fixed.id());
    Run replay =
        bazaar(
            "messages", "replay", fixed.id().toString(), "--amqp-url", amqpUrl, "--queue", queue);
    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).contains("replayed Fixed " + fixed.id() + " to " + queue);
    await(Duration.ofSeconds(20), () -> handled.contains(fixed.id()));
    assertThat(calls.get(fixed.id()).get()).isEqualTo(3);
    assertThat(ids(parkedJson(queue))).containsExactly(stillBroken.id().toString());

    // Replaying one that still fails: two fresh attempts (the count was reset), then parked again.
    Run again =
        bazaar(
            "messages",
            "replay",
            stillBroken.id().toString(),
            "--amqp-url",
            amqpUrl,
            "--queue",
            queue);
    assertThat(again.exit()).as(again.err()).isZero();
    await(Duration.ofSeconds(20), () -> calls.get(stillBroken.id()).get() == 4);
    await(Duration.ofSeconds(20), () -> parkedCount(queue) == 1);
    assertThat(ids(parkedJson(queue))).containsExactly(stillBroken.id().toString());
    assertThat(JSON.readTree(parkedJson(queue).out()).get(0).get("attempts").asInt()).isEqualTo(2);
  }

  @Test
  void replayFindsTheMessageAcrossTheKnownQueuesAndSkipsMissingOnes() throws Exception {
    String queue = consumer();
    Envelope parked = publish(queue, "Somewhere");
    await(Duration.ofSeconds(20), () -> parkedCount(queue) == 1);
    healed.add(parked.id());
    // A queue that does not exist first: on RabbitMQ its passive declare closes the channel.
    Run replay =
        bazaar(
            "messages",
            "replay",
            parked.id().toString(),
            "--amqp-url",
            amqpUrl,
            "--queue",
            "no-such-queue-" + UUID.randomUUID(),
            "--queue",
            queue);
    assertThat(replay.exit()).as(replay.err()).isZero();
    await(Duration.ofSeconds(20), () -> handled.contains(parked.id()));
    assertThat(parkedCount(queue)).isZero();
  }

  @Test
  void anUnknownIdIsAnErrorAndChangesNothing() throws Exception {
    String queue = consumer();
    Envelope parked = publish(queue, "Kept");
    await(Duration.ofSeconds(20), () -> parkedCount(queue) == 1);
    String unknown = UUID.randomUUID().toString();

    Run run = bazaar("messages", "replay", unknown, "--amqp-url", amqpUrl, "--queue", queue);
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("no parked message with id " + unknown);
    assertThat(ids(parkedJson(queue))).containsExactly(parked.id().toString());
  }

  @Test
  void theKnownQueuesAreListedWhenNoneIsGiven() {
    Run run = bazaar("messages", "parked", "--amqp-url", amqpUrl);
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("no parked messages on notifications.events.parked");
  }

  @Test
  void anUnreachableBrokerIsAClearError() {
    Run run =
        bazaar(
            "messages",
            "parked",
            "--amqp-url",
            "amqp://guest:secret@127.0.0.1:" + TestPorts.free());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).contains("cannot reach the broker at amqp://guest:***@127.0.0.1:");
    assertThat(run.err()).doesNotContain("secret");
  }

  @Test
  void withNothingRunningThereIsNoBrokerToAsk() {
    Run run = bazaar("messages", "replay", UUID.randomUUID().toString());
    if (System.getenv("BAZAAR_AMQP_URL") == null) {
      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.err()).contains("Bazaar is not running");
    }
  }

  interface Check {
    boolean done() throws Exception;
  }

  static void await(Duration within, Check check) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (!check.done()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + within);
      }
      Thread.sleep(50);
    }
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void rabbitmqctl(String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of(env("BAZAAR_TEST_RABBITMQCTL", "rabbitmqctl"), "-q"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
    }
  }
}
