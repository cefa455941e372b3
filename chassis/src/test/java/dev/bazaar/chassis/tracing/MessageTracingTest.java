package dev.bazaar.chassis.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.web.Correlation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trace context's way through outbox, relay and inbox, as headers and spans (no I/O). */
public class MessageTracingTest {

  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String WRITER_SPAN = "00f067aa0ba902b7";

  InMemorySpanExporter spans;
  OpenTelemetrySdk otel;

  /** An SDK that keeps every finished span in {@code spans}. */
  public static OpenTelemetrySdk sdk(InMemorySpanExporter spans) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build();
  }

  @BeforeEach
  void tracingOn() {
    spans = InMemorySpanExporter.create();
    otel = sdk(spans);
    MessageTracing.use(otel);
  }

  @AfterEach
  void tracingOff() {
    MessageTracing.use(null);
    otel.getSdkTracerProvider().shutdown().join(5, TimeUnit.SECONDS);
  }

  static Envelope written(String traceparent, Instant at) {
    return new Envelope(
        java.util.UUID.randomUUID(), "OrderPlaced", 1, at, traceparent, "rid-1", "{}");
  }

  static SpanData named(List<SpanData> all, String name) {
    return all.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aRowIsWrittenWithTheCurrentSpansContextAndTraceState() {
    SpanContext writer =
        SpanContext.create(
            TRACE,
            WRITER_SPAN,
            TraceFlags.getSampled(),
            TraceState.builder().put("vendor", "v1").build());
    try (Scope s = Context.root().with(Span.wrap(writer)).makeCurrent()) {
      assertThat(Correlation.currentTraceparent())
          .isEqualTo("00-" + TRACE + "-" + WRITER_SPAN + "-01");
      assertThat(MessageTracing.outboxHeaders())
          .containsExactly(Map.entry(MessageTracing.HEADER_TRACESTATE, "vendor=v1"));
    }
    assertThat(MessageTracing.outboxHeaders()).as("no span, nothing to store").isEmpty();
  }

  @Test
  void theRelayPublishesAsAChildOfTheRowsContextAfterAWaitSpan() {
    Instant writtenAt = Instant.now().minusMillis(250);
    Envelope row = written("00-" + TRACE + "-" + WRITER_SPAN + "-01", writtenAt);
    Map<String, Object> rowHeaders = new HashMap<>();
    rowHeaders.put(MessageTracing.HEADER_TRACESTATE, "vendor=v1");
    rowHeaders.put("x-other", "kept");

    Map<String, Object> published =
        MessageTracing.published("bazaar.events", "orders.placed", row, rowHeaders);

    SpanData publish = named(spans.getFinishedSpanItems(), "publish bazaar.events");
    SpanData wait = named(spans.getFinishedSpanItems(), "outbox wait");
    assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(publish.getTraceId()).isEqualTo(TRACE);
    assertThat(publish.getParentSpanId()).isEqualTo(WRITER_SPAN);
    assertThat(publish.getSpanContext().getTraceState().get("vendor")).isEqualTo("v1");
    assertThat(wait.getParentSpanId()).isEqualTo(WRITER_SPAN);
    assertThat(wait.getStartEpochNanos())
        .isEqualTo(TimeUnit.SECONDS.toNanos(writtenAt.getEpochSecond()) + writtenAt.getNano());
    assertThat(wait.getAttributes().get(MessageTracing.DELAY_MS)).isBetween(250L, 60_000L);
    assertThat(published)
        .containsEntry(
            Envelope.HEADER_TRACEPARENT, "00-" + TRACE + "-" + publish.getSpanId() + "-01")
        .containsEntry(MessageTracing.HEADER_TRACESTATE, "vendor=v1")
        .containsEntry("x-other", "kept");
    assertThat(rowHeaders).as("the row's own map is left alone").hasSize(2);
  }

  @Test
  void aResentMessageHasNoWaitSpan() {
    Envelope row =
        written("00-" + TRACE + "-" + WRITER_SPAN + "-01", Instant.now().minusSeconds(9));
    MessageTracing.published("", "catalog.commands", row, Map.of(Envelope.HEADER_ATTEMPTS, 2));
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("publish catalog.commands");
  }

  @Test
  void theConsumerHandlesInAChildOfThePublishSpanAndPassesItOn() {
    Envelope row = written("00-" + TRACE + "-" + WRITER_SPAN + "-01", Instant.now());
    Map<String, Object> amqp =
        new HashMap<>(MessageTracing.published("bazaar.events", "orders.placed", row, Map.of()));
    // Header values arrive from the broker as AMQP long strings, not java.lang.String.
    amqp.replaceAll((k, v) -> new StringBuilder(v.toString()));
    String publishSpan = named(spans.getFinishedSpanItems(), "publish bazaar.events").getSpanId();

    String passedOn;
    try (MessageTracing.Consume c = MessageTracing.consume("catalog.commands", row, amqp)) {
      Correlation.bind(row.requestId(), row.traceparent());
      passedOn = Correlation.currentTraceparent();
      Correlation.clear();
    }

    SpanData process = named(spans.getFinishedSpanItems(), "process catalog.commands");
    assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(process.getTraceId()).isEqualTo(TRACE);
    assertThat(process.getParentSpanId()).isEqualTo(publishSpan);
    assertThat(passedOn)
        .as("what the handler writes to its outbox continues the consume span")
        .isEqualTo("00-" + TRACE + "-" + process.getSpanId() + "-01");
    assertThat(Span.current().getSpanContext().isValid()).as("scope closed").isFalse();
  }

  @Test
  void aFailedHandlerMarksItsSpan() {
    Envelope row = written(null, Instant.now());
    try (MessageTracing.Consume c = MessageTracing.consume("q", row, Map.of())) {
      c.failed(new IllegalStateException("boom"));
    }
    SpanData process = named(spans.getFinishedSpanItems(), "process q");
    assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(process.getParentSpanContext().isValid()).as("no context came with it").isFalse();
  }

  @Test
  void offItPassesTheEnvelopesTraceparentThroughUntouched() {
    MessageTracing.use(null);
    Envelope row = written("00-" + TRACE + "-" + WRITER_SPAN + "-01", Instant.now());
    Map<String, Object> rowHeaders = Map.of("x-other", "kept");
    assertThat(MessageTracing.published("bazaar.events", "k", row, rowHeaders))
        .isSameAs(rowHeaders);
    try (MessageTracing.Consume c = MessageTracing.consume("q", row, Map.of())) {
      Correlation.bind(null, row.traceparent());
      assertThat(Correlation.currentTraceparent()).isEqualTo(row.traceparent());
      Correlation.clear();
    }
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }
}
