package dev.bazaar.tracing;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is off unless an exporter is configured: the OpenTelemetry SDK of a service or the
 * gateway is disabled ({@code quarkus.otel.sdk.disabled=true}, no spans, no export, the old
 * trace-context pass-through only) unless {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a collector) or
 * {@code BAZAAR_TRACING_ZIPKIN_ENDPOINT} (Zipkin, set by {@code ./bazaar up --tracing}) is set in
 * the environment. An explicit {@code quarkus.otel.sdk.disabled} anywhere else (application
 * properties, the environment, a system property) wins: this source ranks just above Quarkus' own
 * defaults.
 */
public final class TracingSwitch implements ConfigSource {

  public static final String OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  public static final String ZIPKIN_ENDPOINT = "BAZAAR_TRACING_ZIPKIN_ENDPOINT";
  static final String KEY = "quarkus.otel.sdk.disabled";

  /** Below application.properties (250) and the environment (300). */
  static final int ORDINAL = 110;

  private final String disabled;

  public TracingSwitch() {
    this(System.getenv());
  }

  TracingSwitch(Map<String, String> env) {
    this.disabled = Boolean.toString(!enabled(env));
  }

  /** Whether {@code env} configures an exporter. */
  static boolean enabled(Map<String, String> env) {
    return isSet(env.get(OTLP_ENDPOINT)) || isSet(env.get(ZIPKIN_ENDPOINT));
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }

  @Override
  public Map<String, String> getProperties() {
    return Map.of(KEY, disabled);
  }

  @Override
  public Set<String> getPropertyNames() {
    return Set.of(KEY);
  }

  @Override
  public String getValue(String propertyName) {
    return KEY.equals(propertyName) ? disabled : null;
  }

  @Override
  public String getName() {
    return "bazaar-tracing-switch";
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }
}
