package dev.bazaar.launcher;

import dev.bazaar.launcher.infra.KeyEncryptionKey;
import dev.bazaar.launcher.scale.Registry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The services the launcher runs. A new service is one more line in {@link #ALL}. */
public final class Services {
  private Services() {}

  public static final List<ServiceSpec> ALL =
      List.of(
          // name, jar, port offset, stage, edge, own database, environment
          new ServiceSpec(
              "users",
              backendJar("users"),
              1,
              1,
              false,
              true,
              // Where the key that encrypts its signing keys is (the path, not the key), and the
              // one it replaces while it does.
              backend().and((self, w) -> KeyEncryptionKey.environment(w.dataDir()))),
          new ServiceSpec("catalog", backendJar("catalog"), 2, 2, false, true, Services::backend),
          new ServiceSpec(
              "orders",
              backendJar("orders"),
              3,
              2,
              false,
              true,
              backend()
                  .and(
                      (self, w) ->
                          Map.of(
                              "BAZAAR_CATALOG_URL",
                              w.httpUrl("catalog"),
                              "BAZAAR_REGISTRY_FILE",
                              w.dataDir().resolve(Registry.NAME).toString()))),
          new ServiceSpec(
              "notifications", backendJar("notifications"), 4, 2, false, true, Services::backend),
          new ServiceSpec("payments", backendJar("payments"), 5, 2, false, true, Services::backend),
          new ServiceSpec(
              "gateway",
              "gateway/target/quarkus-app/quarkus-run.jar",
              0,
              3,
              true,
              false,
              Services::gateway));

  /** Names {@code logs} accepts: the services plus the infrastructure the launcher runs. */
  public static List<String> logNames() {
    List<String> names = new ArrayList<>(ALL.stream().map(ServiceSpec::name).toList());
    names.add("broker");
    names.add("postgres");
    return names;
  }

  public static ServiceSpec byName(String name) {
    return ALL.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no service named " + name));
  }

  static String backendJar(String name) {
    return "services/" + name + "/" + name + "-service/target/quarkus-app/quarkus-run.jar";
  }

  static ServiceSpec.Env backend() {
    return Services::backend;
  }

  /** Variables every process gets. */
  static Map<String, String> common(ServiceSpec self, Wiring w) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("QUARKUS_HTTP_PORT", Integer.toString(w.basePort() + self.portOffset()));
    env.put("BAZAAR_DATA_DIR", w.dataDir().toString());
    env.put("BAZAAR_INSTANCE", self.instance(1));
    env.put("BAZAAR_JWKS_URL", w.jwksUrl());
    return env;
  }

  /** A service with its own database and the broker. */
  static Map<String, String> backend(ServiceSpec self, Wiring w) {
    Map<String, String> env = common(self, w);
    String db = self.databaseName();
    env.put("QUARKUS_DATASOURCE_JDBC_URL", w.jdbcUrl().apply(db));
    env.put("QUARKUS_DATASOURCE_USERNAME", db);
    env.put("QUARKUS_DATASOURCE_PASSWORD", w.password().apply(db));
    env.put("BAZAAR_AMQP_URL", w.amqpUrl().apply(self.name()));
    return env;
  }

  /**
   * The gateway: one upstream variable per non-edge service (the first instance), and the registry
   * file that lists every ready instance once there are more.
   */
  static Map<String, String> gateway(ServiceSpec self, Wiring w) {
    Map<String, String> env = common(self, w);
    env.put("BAZAAR_GATEWAY_REGISTRY_FILE", w.dataDir().resolve(Registry.NAME).toString());
    for (ServiceSpec s : ALL) {
      if (!s.edge()) {
        env.put("BAZAAR_GATEWAY_UPSTREAM_" + s.envName(), w.httpUrl(s.name()));
      }
    }
    return env;
  }
}
