package dev.bazaar.gateway.config;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives the gateway one Vert.x event loop per available CPU instead of Vert.x's default of two. The
 * gateway never blocks an event loop, so a second loop per CPU only adds threads that preempt each
 * other: on a gateway pinned to one core, one loop served 31% more requests than two, with half the
 * p99 (bench/README.md). A value of {@code quarkus.vertx.event-loops-pool-size} anywhere else
 * (application.properties, a routes file, the environment, a system property) wins, because this
 * source has the lowest ordinal that still ranks above Quarkus' built-in defaults.
 */
public final class EventLoopsPerCpu implements ConfigSource {

  static final String KEY = "quarkus.vertx.event-loops-pool-size";

  /** Below application.properties (250) and every other source a user writes. */
  static final int ORDINAL = 110;

  @Override
  public Map<String, String> getProperties() {
    return Map.of(KEY, Integer.toString(eventLoops()));
  }

  @Override
  public Set<String> getPropertyNames() {
    return Set.of(KEY);
  }

  @Override
  public String getValue(String propertyName) {
    return KEY.equals(propertyName) ? Integer.toString(eventLoops()) : null;
  }

  @Override
  public String getName() {
    return "bazaar-gateway-event-loops-per-cpu";
  }

  @Override
  public int getOrdinal() {
    return ORDINAL;
  }

  /** The CPUs this process may run on (taskset and container limits included), at least one. */
  static int eventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }
}
