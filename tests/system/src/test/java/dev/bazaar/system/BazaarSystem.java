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

  static final int BASE_PORT = 18080;
  static final int BROKER_PORT = 15673;
  static final int PG_PORT = 15433;

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
    return system;
  }

  static boolean realInfra() {
    return "real".equals(System.getProperty("bazaar.test.infra", "embedded"));
  }

  /** JDBC URL of a role that may read every service database (for grey-box checks only). */
  static String pgAdminUrl() {
    return realInfra()
        ? realPgAdminUrl()
        : "jdbc:postgresql://127.0.0.1:" + PG_PORT + "/postgres?user=postgres";
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
    String admin = pgAdminUrl();
    int slash = admin.indexOf('/', "jdbc:postgresql://".length());
    int q = admin.indexOf('?');
    return admin.substring(0, slash + 1) + db + (q < 0 ? "" : admin.substring(q));
  }

  private String vhost;

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
    this.env = env;
    if (Files.exists(dataDir)) {
      // A previous run's data would make first-start assertions meaningless.
      try (var paths = Files.walk(dataDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(dataDir);
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
    boots++;
    launcherLog =
        dataDir.getParent().resolve(dataDir.getFileName() + "-launcher-" + boots + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(
                command(
                    "up",
                    "--data-dir",
                    dataDir.toString(),
                    "--base-port",
                    String.valueOf(BASE_PORT),
                    "--broker-port",
                    String.valueOf(BROKER_PORT),
                    "--pg-port",
                    String.valueOf(PG_PORT)))
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
