package dev.bazaar.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSwitchTest {

  static String disabled(Map<String, String> env) {
    return new TracingSwitch(env).getValue("quarkus.otel.sdk.disabled");
  }

  @Test
  void offWhenNoExporterIsConfigured() {
    assertThat(disabled(Map.of())).isEqualTo("true");
    assertThat(disabled(Map.of(TracingSwitch.OTLP_ENDPOINT, " "))).isEqualTo("true");
    assertThat(disabled(Map.of("OTEL_TRACES_SAMPLER_ARG", "0.5"))).isEqualTo("true");
  }

  @Test
  void onWithAnOtlpCollectorOrZipkin() {
    assertThat(disabled(Map.of(TracingSwitch.OTLP_ENDPOINT, "http://collector:4317")))
        .isEqualTo("false");
    assertThat(
            disabled(Map.of(TracingSwitch.ZIPKIN_ENDPOINT, "http://127.0.0.1:9411/api/v2/spans")))
        .isEqualTo("false");
  }

  @Test
  void anythingTheOperatorSetsWins() {
    TracingSwitch source = new TracingSwitch(Map.of());
    assertThat(source.getOrdinal()).isLessThan(250).isGreaterThan(100);
    assertThat(source.getPropertyNames()).containsExactly("quarkus.otel.sdk.disabled");
    assertThat(source.getValue("quarkus.otel.traces.sampler")).isNull();
  }
}
