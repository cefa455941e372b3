package dev.bazaar.chassis.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code bazaar_build_info{service, version} 1}: which build each instance runs, for the console's
 * topology (Micrometer's own process meters give its uptime).
 */
@Singleton
public class BuildInfoMetrics {

  @ConfigProperty(name = "quarkus.application.name", defaultValue = "bazaar")
  String service;

  @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
  String version;

  void register(@Observes StartupEvent event, MeterRegistry registry) {
    Gauge.builder("bazaar_build_info", () -> 1)
        .description("The service and the version of its build")
        .tag("service", service)
        .tag("version", version)
        .register(registry);
  }
}
