package dev.bazaar.chassis.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.inbox.InboxConsumer;
import dev.bazaar.chassis.outbox.Outbox;
import dev.bazaar.chassis.outbox.OutboxRelay;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.chassis.tracing.MessageTracing;
import dev.bazaar.chassis.tracing.MessageTracingTest;
import dev.bazaar.chassis.web.Correlation;
import dev.bazaar.testing.InfraResource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One trace through a real outbox, relay, broker and inbox: the traceparent (and tracestate)
 * written with a row reaches the consumer, whose handler runs in a consume span that is a child of
 * the relay's publish span, and what the handler writes to its own outbox continues that span.
 */
class TracedMessagingTest {

  static InfraResource infra;
  static DataSource db;
  static AmqpConnector amqp;
  static InMemorySpanExporter spans = InMemorySpanExporter.create();
  static OpenTelemetrySdk otel;

  @BeforeAll
  static void start() throws Exception {
    infra = new InfraResource();
    Map<String, String> cfg = infra.start();
    db = MessagingCoreTest.migratedDatabase(cfg);
    amqp = new AmqpConnector(cfg.get("bazaar.amqp.url"), "chassis-test");
    amqp.start();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(amqp::isOpen);
    otel = MessageTracingTest.sdk(spans);
    MessageTracing.use(otel);
  }

  @AfterAll
  static void stop() {
    MessageTracing.use(null);
    otel.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
    amqp.close();
    infra.stop();
  }

  /** What a handler's {@code Messaging.publish} stores: the current context and trace state. */
  static void write(Connection tx, String routingKey, String type) throws Exception {
    Outbox.append(
        tx,
        Topology.EVENTS_EXCHANGE,
        routingKey,
        Envelope.create(
            type, 1, Instant.now(), Correlation.currentTraceparent(), "rid-trace", "{}"),
        MessageTracing.outboxHeaders(),
        null);
  }

  static String storedTraceparent(String type) {
    return Tx.run(
        db,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT traceparent FROM outbox WHERE message_type = ?")) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? rs.getString(1) : null;
            }
          }
        });
  }

  @Test
  void oneTraceFromTheWritingRequestThroughTheBrokerIntoTheHandlerAndOn() throws Exception {
    String key = "trace." + UUID.randomUUID();
    String queue = "chassis-trace." + UUID.randomUUID();
    String reply = "Reply" + UUID.randomUUID().toString().substring(0, 8);
    List<String> seenInHandler = new CopyOnWriteArrayList<>();
    InboxConsumer consumer =
        new InboxConsumer(
            db,
            amqp,
            queue,
            "trace-consumer-" + queue,
            List.of(new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, key)),
            (Connection tx, Envelope e) -> {
              seenInHandler.add(Correlation.currentTraceparent());
              write(tx, "trace.reply." + key, reply);
            },
            new InboxConsumer.Settings(3, 8, Duration.ofMillis(10)));
    OutboxRelay relay =
        new OutboxRelay(db, amqp, Clock.systemUTC(), OutboxRelay.Settings.defaults());
    consumer.afterCommit(relay::wake);
    consumer.start();
    relay.start();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(consumer::isSubscribed);

    // The "request": a server span with a vendor trace state, writing the first message.
    Span request =
        otel.getTracer("test")
            .spanBuilder("POST /api/v1/orders")
            .setSpanKind(SpanKind.SERVER)
            .startSpan();
    String first = "Placed" + UUID.randomUUID().toString().substring(0, 8);
    try (Scope s =
        io.opentelemetry.context.Context.root()
            .with(
                Span.wrap(
                    io.opentelemetry.api.trace.SpanContext.create(
                        request.getSpanContext().getTraceId(),
                        request.getSpanContext().getSpanId(),
                        request.getSpanContext().getTraceFlags(),
                        TraceState.builder().put("bazaar", "t1").build())))
            .makeCurrent()) {
      Tx.run(
          db,
          c -> {
            write(c, key, first);
            return null;
          });
    } finally {
      request.end();
    }
    relay.wake();
    String traceId = request.getSpanContext().getTraceId();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(spans.getFinishedSpanItems())
                      .extracting(SpanData::getName)
                      .contains("process " + queue, "publish " + Topology.EVENTS_EXCHANGE));
    } finally {
      relay.close();
      consumer.stop();
    }

    List<SpanData> trace =
        spans.getFinishedSpanItems().stream()
            .filter(sp -> sp.getTraceId().equals(traceId))
            .toList();
    SpanData wait =
        trace.stream().filter(sp -> sp.getName().equals("outbox wait")).findFirst().orElseThrow();
    SpanData publish =
        trace.stream()
            .filter(
                sp ->
                    sp.getName().startsWith("publish ")
                        && sp.getParentSpanId().equals(request.getSpanContext().getSpanId()))
            .findFirst()
            .orElseThrow();
    SpanData process =
        trace.stream()
            .filter(sp -> sp.getName().equals("process " + queue))
            .findFirst()
            .orElseThrow();
    assertThat(wait.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(publish.getSpanContext().getTraceState().get("bazaar"))
        .as("the trace state came back out of the outbox row")
        .isEqualTo("t1");
    assertThat(process.getParentSpanId()).isEqualTo(publish.getSpanId());
    assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
    String expected = "00-" + traceId + "-" + process.getSpanId() + "-01";
    assertThat(seenInHandler).containsExactly(expected);
    assertThat(storedTraceparent(reply))
        .as("the handler's own message continues the consume span")
        .isEqualTo(expected);
    Tx.run(db, c -> c.createStatement().executeUpdate("DELETE FROM outbox"));
  }
}
