package dev.bazaar.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.server.SystemLauncher;

/**
 * Infrastructure for component tests. By default an embedded PostgreSQL 17 and an embedded Qpid
 * Broker-J (memory store) start in the test JVM. With {@code -Dbazaar.test.infra=real} (the Maven
 * profile {@code real-infra}) the tests use the PostgreSQL and RabbitMQ given by {@code
 * BAZAAR_TEST_PG_URL} and {@code BAZAAR_TEST_AMQP_URL} (defaults: the ones on 127.0.0.1), each run
 * in a fresh database and a fresh virtual host; unreachable infrastructure fails the run, it never
 * skips it.
 */
public class InfraResource implements QuarkusTestResourceLifecycleManager {

  private EmbeddedPostgres postgres;
  private SystemLauncher broker;
  private String realDatabase;
  private String realAdminUrl;
  private String realVhost;
  private boolean selfIssued;

  /**
   * {@code jwks=self}: the service under test serves its own JWKS (users); the resource then fixes
   * the HTTP test port so the JWKS URL is known before start.
   */
  @Override
  public void init(Map<String, String> initArgs) {
    selfIssued = "self".equals(initArgs.get("jwks"));
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>();
    boolean real = "real".equals(System.getProperty("bazaar.test.infra", "embedded"));
    try {
      if (real) {
        startReal(config);
      } else {
        startEmbedded(config);
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          (real
                  ? "real infrastructure (profile real-infra) is not usable: "
                  : "embedded infrastructure failed: ")
              + e.getMessage(),
          e);
    }
    if (selfIssued) {
      try {
        int port = freePort();
        config.put("quarkus.http.test-port", String.valueOf(port));
        config.put("bazaar.jwks-url", "http://127.0.0.1:" + port + "/api/v1/auth/jwks");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    } else {
      config.putAll(TestTokens.config());
    }
    return config;
  }

  private void startEmbedded(Map<String, String> config) throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE bazaar_test");
    }
    config.put("quarkus.datasource.jdbc.url", postgres.getJdbcUrl("postgres", "bazaar_test"));
    config.put("quarkus.datasource.username", "postgres");
    config.put("quarkus.datasource.password", "postgres");

    int port = freePort();
    Path work = Files.createTempDirectory("qpid-test");
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("type", "Memory");
    attributes.put(
        "initialConfigurationLocation",
        InfraResource.class.getResource("/bazaar-test-qpid.json").toExternalForm());
    attributes.put("startupLoggedToSystemOut", false);
    attributes.put(
        "context",
        Map.of(
            "qpid.amqp_port",
            port,
            "qpid.work_dir",
            work.toString(),
            "qpid.broker.defaultPreferenceStoreAttributes",
            "{\"type\": \"Noop\"}"));
    broker = new SystemLauncher();
    broker.startup(attributes);
    // Qpid logs a bad configuration instead of throwing, and says "Ready" even when the port
    // did not bind: only a successful TCP connect proves the broker is there.
    awaitPort(port, 15_000);
    config.put("bazaar.amqp.url", "amqp://guest:guest@127.0.0.1:" + port + "/");
  }

  private void startReal(Map<String, String> config) throws Exception {
    String redis = env("BAZAAR_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    pingRedis(URI.create(redis));
    realAdminUrl =
        env("BAZAAR_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    realDatabase = "bazaar_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(realAdminUrl);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + realDatabase);
    }
    String base = realAdminUrl.substring(0, realAdminUrl.lastIndexOf('/') + 1);
    String query =
        realAdminUrl.contains("?") ? realAdminUrl.substring(realAdminUrl.indexOf('?')) : "";
    config.put("quarkus.datasource.jdbc.url", base + realDatabase + query);
    config.put("quarkus.datasource.username", param(realAdminUrl, "user", "postgres"));
    config.put("quarkus.datasource.password", param(realAdminUrl, "password", ""));

    String amqp = env("BAZAAR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672");
    realVhost = "bazaar-test-" + UUID.randomUUID().toString().substring(0, 8);
    rabbitmqctl("add_vhost", realVhost);
    rabbitmqctl("set_permissions", "-p", realVhost, "guest", ".*", ".*", ".*");
    config.put("bazaar.amqp.url", amqp.replaceAll("/+$", "") + "/" + realVhost);
  }

  @Override
  public void stop() {
    if (broker != null) {
      broker.shutdown();
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    if (realDatabase != null) {
      try (Connection c = DriverManager.getConnection(realAdminUrl);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + realDatabase + " WITH (FORCE)");
      } catch (Exception e) {
        System.err.println("could not drop test database " + realDatabase + ": " + e);
      }
    }
    if (realVhost != null) {
      try {
        rabbitmqctl("delete_vhost", realVhost);
      } catch (Exception e) {
        System.err.println("could not delete test vhost " + realVhost + ": " + e);
      }
    }
  }

  /** The profile promises PostgreSQL, RabbitMQ and Redis; a missing one fails the run up front. */
  private static void pingRedis(URI redis) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort()),
          2000);
      s.setSoTimeout(2000);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[7];
      int n = s.getInputStream().read(reply);
      String answer = n <= 0 ? "" : new String(reply, 0, n, StandardCharsets.US_ASCII);
      if (!answer.startsWith("+PONG")) {
        throw new IOException("Redis at " + redis + " answered " + answer.strip() + " to PING");
      }
    }
  }

  private static void rabbitmqctl(String... args) throws Exception {
    String[] cmd = new String[args.length + 2];
    cmd[0] = env("BAZAAR_TEST_RABBITMQCTL", "rabbitmqctl");
    cmd[1] = "-q";
    System.arraycopy(args, 0, cmd, 2, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
    }
  }

  private static String param(String url, String name, String fallback) {
    int q = url.indexOf('?');
    if (q < 0) {
      return fallback;
    }
    for (String kv : url.substring(q + 1).split("&")) {
      String[] p = kv.split("=", 2);
      if (p[0].toLowerCase(Locale.ROOT).equals(name) && p.length == 2) {
        return p[1];
      }
    }
    return fallback;
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port, long timeoutMillis) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("embedded broker did not open port " + port);
        }
        Thread.sleep(50);
      }
    }
  }
}
