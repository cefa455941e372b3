package dev.bazaar.tracing;

import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupUnlessProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Spans to Zipkin's server when {@code bazaar.tracing.zipkin-endpoint} (env {@code
 * BAZAAR_TRACING_ZIPKIN_ENDPOINT}) is set. The exporter is a bean only then: Quarkus uses exporter
 * beans when there are any and its own OTLP exporter otherwise, so with the property unset spans go
 * over OTLP as before.
 */
@ApplicationScoped
public class ZipkinExport {

  @Produces
  @Singleton
  @LookupUnlessProperty(
      name = "bazaar.tracing.zipkin-endpoint",
      stringValue = "",
      lookupIfMissing = false)
  SpanExporter zipkin(
      @ConfigProperty(name = "bazaar.tracing.zipkin-endpoint") Optional<String> endpoint) {
    // Looked up only when the endpoint is set (see the annotation above).
    return ZipkinSpanExporter.builder().setEndpoint(endpoint.orElseThrow()).build();
  }
}
