package dev.bazaar.gateway.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

  private final SplittableRandom random = new SplittableRandom(42);
  private final TraceContext.Factory factory = new TraceContext.Factory(() -> random);

  @Test
  void continuesAValidTraceWithANewSpanAndTheSameFlags() {
    TraceContext trace =
        factory.continueOrStart("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(trace.spanId()).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
    assertThat(trace.flags()).isEqualTo("00");
    assertThat(trace.parentSpanId()).contains("00f067aa0ba902b7");
    assertThat(trace.traceparent())
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-" + trace.spanId() + "-00");
  }

  @Test
  void acceptsAFutureVersionWithExtraFieldsAndAnswersInVersion00() {
    TraceContext trace =
        factory.continueOrStart("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra");
    assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(trace.traceparent()).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "nonsense",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"
      })
  void startsANewSampledTraceForAMissingOrInvalidHeader(String header) {
    TraceContext trace = factory.continueOrStart(header.isEmpty() ? null : header);
    assertThat(trace.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    assertThat(trace.traceId()).isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(trace.spanId()).matches("[0-9a-f]{16}");
    assertThat(trace.flags()).isEqualTo("01");
    assertThat(trace.parentSpanId()).isEmpty();
  }

  @Test
  void adoptsTheServerSpanWhenTracingIsOn() {
    var span =
        io.opentelemetry.api.trace.SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "b7ad6b7169203331",
            io.opentelemetry.api.trace.TraceFlags.getSampled(),
            io.opentelemetry.api.trace.TraceState.getDefault());
    TraceContext trace =
        factory.adoptOrContinue(span, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(trace.traceparent())
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01");
    assertThat(trace.parentSpanId()).contains("00f067aa0ba902b7");
    assertThat(factory.adoptOrContinue(span, null).parentSpanId()).isEmpty();
  }

  @Test
  void continuesTheHeaderWhenThereIsNoSpan() {
    TraceContext trace =
        factory.adoptOrContinue(
            io.opentelemetry.api.trace.SpanContext.getInvalid(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(trace.spanId()).isNotEqualTo("00f067aa0ba902b7");
    assertThat(trace.parentSpanId()).contains("00f067aa0ba902b7");
  }

  @Test
  void isDeterministicForASeededRandom() {
    TraceContext a = new TraceContext.Factory(() -> new SplittableRandom(7)).start();
    TraceContext b = new TraceContext.Factory(() -> new SplittableRandom(7)).start();
    assertThat(a.traceId()).isEqualTo(b.traceId());
  }
}
