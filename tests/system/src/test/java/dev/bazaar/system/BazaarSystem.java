package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system as a user runs it: {@code bazaar up} in a data directory of its own, on ports
 * that do not clash with a Bazaar the developer may have running, then {@code bazaar down}.
 */
final class BazaarSystem {

  // Overridable (-Dbazaar.system.base-port=...) so two checkouts can run system tests at once.
  static final int BASE_PORT = Integer.getInteger("bazaar.system.base-port", 18080);
  static final int BROKER_PORT = Integer.getInteger("bazaar.system.broker-port", 15673);
  static final int PG_PORT = Integer.getInteger("bazaar.system.pg-port", 15433);

  final Path root;
  final Path dataDir;
  private final Map<String, String> env;
  private Process launcher;
  private Path launcherLog;
  private int boots;

  /**
   * The system on the infrastructure the test run asks for: embedded by default; with the
   * real-infra profile on the PostgreSQL of {@code BAZAAR_TEST_PG_URL} and a fresh virtual host of
   * the RabbitMQ of {@code BAZAAR_TEST_AMQP_URL} (defaults: those on 127.0.0.1).
   */
  static BazaarSystem onConfiguredInfra(String name) throws Exception {
    return onConfiguredInfra(name, Map.of());
  }

  /** As {@link #onConfiguredInfra(String)}, with extra environment for every process. */
  static BazaarSystem onConfiguredInfra(String name, Map<String, String> extraEnv)
      throws Exception {
    return realInfra() ? onRealInfra(name, extraEnv) : new BazaarSystem(name, extraEnv);
  }

  /**
   * The system on the machine's PostgreSQL and a fresh virtual host of its RabbitMQ, whatever the
   * profile: for tests that must pass on both infrastructures in one run.
   */
  static BazaarSystem onRealInfra(String name, Map<String, String> extraEnv) throws Exception {
    String vhost = "bazaar-system-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    rabbitmqctl("add_vhost", vhost);
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
    String amqp = env("BAZAAR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672");
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.put("BAZAAR_PG_URL", realPgAdminUrl());
    env.put("BAZAAR_AMQP_URL", amqp.replaceAll("/+$", "") + "/" + vhost);
    BazaarSystem system = new BazaarSystem(name, env);
    system.real = true;
    system.vhost = vhost;
    forgetSigningKeys();
    return system;
  }

  /**
   * Deletes the signing keys a previous run left in the shared {@code bazaar_users} database: they
   * are encrypted with that run's {@code <data>/users-key.aes}, which went with its data dir, and
   * users would not start with them (docs/launcher.md, external PostgreSQL).
   */
  static void forgetSigningKeys() throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(realPgAdminUrl());
        java.sql.PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = 'bazaar_users'")) {
      if (!exists.executeQuery().next()) {
        return;
      }
    }
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(pgUrl(realPgAdminUrl(), "bazaar_users"));
        java.sql.Statement s = c.createStatement()) {
      s.execute("DELETE FROM signing_keys");
    } catch (java.sql.SQLException e) {
      if (!"42P01".equals(e.getSQLState())) { // undefined_table: users never started on it
        throw e;
      }
    }
  }

  /**
   * A signing key of users as PKCS#8, from its {@code signing_keys.private_key}: users keeps it
   * encrypted ({@code "BZK1"}, 12-byte nonce, AES-256-GCM with the kid as associated data) under
   * {@code <data>/users-key.aes}, the key file the launcher made for this system.
   */
  byte[] signingKeyPkcs8(String kid, byte[] stored) throws Exception {
    byte[] magic = "BZK1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    if (stored.length < magic.length
        || !java.util.Arrays.equals(java.util.Arrays.copyOf(stored, magic.length), magic)) {
      return stored;
    }
    byte[] key =
        java.util.Base64.getDecoder()
            .decode(java.nio.file.Files.readString(dataDir.resolve("users-key.aes")).strip());
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        javax.crypto.Cipher.DECRYPT_MODE,
        new javax.crypto.spec.SecretKeySpec(key, "AES"),
        new javax.crypto.spec.GCMParameterSpec(128, stored, magic.length, 12));
    c.updateAAD(kid.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return c.doFinal(stored, magic.length + 12, stored.length - magic.length - 12);
  }

  static boolean realInfra() {
    return "real".equals(System.getProperty("bazaar.test.infra", "embedded"));
  }

  /** JDBC URL of a role that may read every service database (for grey-box checks only). */
  static String pgAdminUrl() {
    return realInfra()
        ? realPgAdminUrl()
        : "jdbc:postgresql://127.0.0.1:"
            + PG_PORT
            + "/postgres?user=postgres&password="
            + secret(current, "postgres.password");
  }

  /** The data dir of the system made last: the embedded PostgreSQL's password is there. */
  static volatile Path current;

  /** A generated password from {@code <data>/secrets.properties}. */
  static String secret(Path dataDir, String key) {
    java.util.Properties p = new java.util.Properties();
    try (var r = Files.newBufferedReader(dataDir.resolve("secrets.properties"))) {
      p.load(r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return p.getProperty(key);
  }

  static String realPgAdminUrl() {
    return env("BAZAAR_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
  }

  /** Whether this system runs on the machine's PostgreSQL and RabbitMQ. */
  boolean real;

  /** The admin password the first {@code up} generated and wrote to the data directory. */
  String adminPassword() throws IOException {
    return Files.readString(dataDir.resolve("initial-admin-password")).strip();
  }

  /** The pid of a running service instance, from {@code bazaar status --json}. */
  long pidOf(String service) throws Exception {
    Result r = run("status", "--json", "--data-dir", dataDir.toString());
    var rows = Api.JSON.readTree(r.output().substring(r.output().indexOf('[')));
    for (var row : rows) {
      if (row.get("service").asText().equals(service) && row.get("pid").asLong() > 0) {
        return row.get("pid").asLong();
      }
    }
    throw new AssertionError("no running " + service + " in: " + r.output());
  }

  /** The same server as {@link #pgAdminUrl()}, database {@code db}. */
  static String pgUrl(String db) {
    return pgUrl(pgAdminUrl(), db);
  }

  /** The server of the JDBC URL {@code admin}, database {@code db}. */
  static String pgUrl(String admin, String db) {
    int slash = admin.indexOf('/', "jdbc:postgresql://".length());
    int q = admin.indexOf('?');
    return admin.substring(0, slash + 1) + db + (q < 0 ? "" : admin.substring(q));
  }

  private String vhost;

  /** The RabbitMQ virtual host of a real-infrastructure run. */
  String vhostName() {
    return vhost;
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static void rabbitmqctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(env("BAZAAR_TEST_RABBITMQCTL", "rabbitmqctl"));
    cmd.add("-q");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
    }
  }

  /** Removes the virtual host of a real-infrastructure run. */
  void forgetInfrastructure() throws Exception {
    if (vhost != null) {
      rabbitmqctl("delete_vhost", vhost);
    }
  }

  BazaarSystem(String name, Map<String, String> env) throws IOException {
    this.root =
        Path.of(System.getProperty("bazaar.repo.root", "../..")).toAbsolutePath().normalize();
    this.dataDir = Path.of("target", "system-data", name).toAbsolutePath();
    // The tests register many customers from 127.0.0.1; the shipped 10 per minute per IP would
    // refuse them. The registration limit itself is tested in the gateway's own tests.
    Map<String, String> withLimits = new java.util.HashMap<>(env);
    withLimits.putIfAbsent("BAZAAR_GATEWAY_RATE_LIMITS_REGISTER_CAPACITY", "100000");
    this.env = withLimits;
    current = dataDir;
    if (Files.exists(dataDir)) {
      // A previous run's data would make first-start assertions meaningless.
      try (var paths = Files.walk(dataDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dataDir);
  }

  /**
   * Leaves the gateway's registration limit as shipped (10 per minute per IP) instead of lifting it
   * for the many customers the tests register; for tests that attack that limit.
   */
  BazaarSystem withShippedLimits() {
    env.remove("BAZAAR_GATEWAY_RATE_LIMITS_REGISTER_CAPACITY");
    return this;
  }

  String gateway() {
    return "http://127.0.0.1:" + BASE_PORT;
  }

  List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Dbazaar.home=" + root);
    cmd.add("-jar");
    cmd.add(root.resolve("launcher/target/bazaar-launcher.jar").toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs {@code bazaar up} and waits until it reports the system ready. */
  void up() throws Exception {
    up(new String[0]);
  }

  /** Runs {@code bazaar up} with {@code options} (e.g. {@code --tracing}) until it is ready. */
  void up(String... options) throws Exception {
    boots++;
    launcherLog =
        dataDir.getParent().resolve(dataDir.getFileName() + "-launcher-" + boots + ".log");
    List<String> args =
        new ArrayList<>(
            List.of(
                "up",
                "--data-dir",
                dataDir.toString(),
                "--base-port",
                String.valueOf(BASE_PORT),
                "--broker-port",
                String.valueOf(BROKER_PORT),
                "--pg-port",
                String.valueOf(PG_PORT)));
    args.addAll(List.of(options));
    ProcessBuilder pb =
        new ProcessBuilder(command(args.toArray(String[]::new)))
            .redirectErrorStream(true)
            .redirectOutput(launcherLog.toFile());
    pb.environment().putAll(env);
    launcher = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (System.nanoTime() < deadline) {
      if (!launcher.isAlive()) {
        throw new AssertionError(
            "bazaar up exited with "
                + launcher.exitValue()
                + ":\n"
                + Files.readString(launcherLog));
      }
      if (Files.readString(launcherLog).contains("Bazaar is up")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "bazaar up did not get ready in 180 s:\n" + Files.readString(launcherLog));
  }

  /** Runs {@code bazaar down} and waits until the launcher is gone. */
  void down() throws Exception {
    Process p =
        new ProcessBuilder(command("down", "--data-dir", dataDir.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("bazaar down finished: " + out).isTrue();
    assertThat(p.exitValue()).as("bazaar down: " + out).isZero();
    if (launcher != null) {
      assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("launcher stopped").isTrue();
    }
  }

  String launcherOutput() throws IOException {
    return launcherLog == null ? "" : Files.readString(launcherLog);
  }

  /** Runs a launcher command to completion and returns its exit code and output. */
  Result run(String... args) throws Exception {
    Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return new Result(p.exitValue(), out);
  }

  record Result(int exitCode, String output) {}

  static boolean ready(String url) {
    try {
      HttpResponse<Void> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}
