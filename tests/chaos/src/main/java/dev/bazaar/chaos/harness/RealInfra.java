package dev.bazaar.chaos.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL and a RabbitMQ of the machine's installation, but private to this run: their own
 * data directories and ports, so that restarting them (the faults this run needs) disturbs no one
 * else who uses the machine's shared servers. PostgreSQL is the installed major version's {@code
 * initdb}/{@code pg_ctl}; RabbitMQ is a second node of the installed server ({@code rabbitmq-server
 * -detached} with its own node name, ports and Mnesia directory), controlled with {@code
 * rabbitmqctl -n}.
 */
final class RealInfra implements AutoCloseable {
  final int amqpPort;
  final int pgPort;
  private final Path dir;
  final String node;
  private final Path pgBin;
  private boolean pgStarted;
  private boolean rabbitStarted;

  RealInfra(Path dir, int amqpPort, int pgPort) throws IOException {
    this.dir = dir;
    this.amqpPort = amqpPort;
    this.pgPort = pgPort;
    this.node = "chaos" + amqpPort + "@localhost";
    this.pgBin = findPgBin();
  }

  private static Path findPgBin() throws IOException {
    try (var s = Files.list(Path.of("/usr/lib/postgresql"))) {
      return s.map(p -> p.resolve("bin"))
          .filter(p -> Files.isExecutable(p.resolve("pg_ctl")))
          .max(Path::compareTo)
          .orElseThrow(
              () -> new IOException("no PostgreSQL installation under /usr/lib/postgresql"));
    }
  }

  void start() throws Exception {
    Path pg = dir.resolve("postgres");
    Path rmq = dir.resolve("rabbitmq");
    sh(60, "rm", "-rf", dir.toString());
    sh(10, "install", "-d", "-o", "postgres", "-g", "postgres", pg.toString());
    sh(
        10,
        "install",
        "-d",
        "-o",
        "rabbitmq",
        "-g",
        "rabbitmq",
        rmq.toString(),
        rmq.resolve("mnesia").toString(),
        rmq.resolve("log").toString());
    Files.writeString(
        rmq.resolve("rabbitmq.conf"), "listeners.tcp.local = 127.0.0.1:" + amqpPort + "\n");
    Files.writeString(rmq.resolve("enabled_plugins"), "[].\n");
    sh(10, "chown", "-R", "rabbitmq:rabbitmq", rmq.toString());
    // RabbitMQ boots in the background while PostgreSQL is initialised.
    rabbitStarted = true;
    rabbit(60, "rabbitmq-server", "-detached");
    pgStarted = true;
    asPostgres(
        120,
        pgBin.resolve("initdb").toString(),
        "-D",
        pg.resolve("data").toString(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync");
    asPostgres(
        60,
        pgBin.resolve("pg_ctl").toString(),
        "-D",
        pg.resolve("data").toString(),
        "-l",
        pg.resolve("log").toString(),
        "-o",
        "-p " + pgPort + " -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300",
        "-w",
        "start");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!portOpen(amqpPort)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "private RabbitMQ did not open port " + amqpPort + "; see " + rmq.resolve("log"));
      }
      Thread.sleep(500);
    }
    rabbit(60, "rabbitmqctl", "-n", node, "await_startup");
  }

  static boolean portOpen(int port) {
    try (var s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code rabbitmqctl stop_app}, a pause, {@code start_app}: a graceful broker restart. */
  void restartRabbit(long downMillis) throws Exception {
    rabbit(60, "rabbitmqctl", "-n", node, "stop_app");
    Thread.sleep(downMillis);
    rabbit(120, "rabbitmqctl", "-n", node, "start_app");
  }

  /** {@code pg_ctl restart -m fast}: a graceful database restart (open sessions are ended). */
  void restartPostgres() throws Exception {
    Path pg = dir.resolve("postgres");
    asPostgres(
        120,
        pgBin.resolve("pg_ctl").toString(),
        "-D",
        pg.resolve("data").toString(),
        "-l",
        pg.resolve("log").toString(),
        "-m",
        "fast",
        "-w",
        "restart");
  }

  @Override
  public void close() {
    if (rabbitStarted) {
      try {
        rabbit(60, "rabbitmqctl", "-n", node, "stop");
      } catch (Exception e) {
        System.err.println("chaos: stopping the private RabbitMQ: " + e.getMessage());
      }
    }
    if (pgStarted) {
      try {
        asPostgres(
            60,
            pgBin.resolve("pg_ctl").toString(),
            "-D",
            dir.resolve("postgres/data").toString(),
            "-m",
            "fast",
            "-w",
            "stop");
      } catch (Exception e) {
        System.err.println("chaos: stopping the private PostgreSQL: " + e.getMessage());
      }
    }
  }

  private void rabbit(int timeout, String tool, String... args) throws Exception {
    Path rmq = dir.resolve("rabbitmq");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "env",
                "HOME=/var/lib/rabbitmq",
                "RABBITMQ_NODENAME=" + node,
                "RABBITMQ_NODE_PORT=" + amqpPort,
                "RABBITMQ_DIST_PORT=" + (amqpPort + 1),
                "RABBITMQ_MNESIA_BASE=" + rmq.resolve("mnesia"),
                "RABBITMQ_LOG_BASE=" + rmq.resolve("log"),
                "RABBITMQ_CONFIG_FILE=" + rmq.resolve("rabbitmq.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE=" + rmq.resolve("enabled_plugins"),
                "/usr/lib/rabbitmq/bin/" + tool));
    cmd.addAll(List.of(args));
    if (isRoot()) {
      List<String> su = new ArrayList<>(List.of("runuser", "-u", "rabbitmq", "--"));
      su.addAll(cmd);
      cmd = su;
    }
    run(
        timeout,
        Files.isDirectory(Path.of("/var/lib/rabbitmq")) ? Path.of("/var/lib/rabbitmq") : null,
        cmd);
  }

  private void asPostgres(int timeout, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (isRoot()) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(List.of(args));
    run(timeout, Path.of("/tmp"), cmd);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void sh(int timeout, String... cmd) throws Exception {
    run(timeout, null, List.of(cmd));
  }

  private static void run(int timeout, Path cwd, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    Process p = pb.start();
    // Detached servers keep the pipe open: read output on another thread, bounded by the timeout.
    StringBuilder out = new StringBuilder();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    out.append(new String(p.getInputStream().readAllBytes()));
                  } catch (IOException e) {
                    // ignore
                  }
                });
    if (!p.waitFor(timeout, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " timed out");
    }
    reader.join(2000);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.toString().strip());
    }
  }
}
