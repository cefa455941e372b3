package dev.bazaar.launcher;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One row of the service table in {@link Services}.
 *
 * @param jar the Quarkus fast-jar runner, relative to the repository root
 * @param portOffset added to the base port (8080) to get the HTTP port
 * @param stage start order among services; stopping runs from the highest stage down
 * @param edge started only once every other service is ready (the gateway)
 * @param database owns a database and role {@code bazaar_<name>}
 * @param env the process environment, see docs/runtime-contract.md
 */
public record ServiceSpec(
    String name, String jar, int portOffset, int stage, boolean edge, boolean database, Env env) {

  /** Builds a service's environment from the wiring of the running system. */
  @FunctionalInterface
  public interface Env {
    Map<String, String> build(ServiceSpec self, Wiring wiring);

    /** This environment plus the variables of {@code extra} (which win on a clash). */
    default Env and(Env extra) {
      return (self, wiring) -> {
        Map<String, String> env = new HashMap<>(build(self, wiring));
        env.putAll(extra.build(self, wiring));
        return env;
      };
    }
  }

  public String instance(int number) {
    return name + "-" + number;
  }

  public String databaseName() {
    return "bazaar_" + name;
  }

  /** The suffix of this service's {@code BAZAAR_GATEWAY_UPSTREAM_*} variable. */
  public String envName() {
    return name.toUpperCase(Locale.ROOT).replace('-', '_');
  }
}
