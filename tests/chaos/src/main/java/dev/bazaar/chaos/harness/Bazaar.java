package dev.bazaar.chaos.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The system under test, driven only through {@code ./bazaar} and the files it documents. */
final class Bazaar {
  final Path root;
  final Path dataDir;
  final int basePort;
  private final Map<String, String> env;
  private final Path launcherLog;
  private Process launcher;

  Bazaar(Path root, Path dataDir, int basePort, Map<String, String> env, Path launcherLog) {
    this.root = root;
    this.dataDir = dataDir;
    this.basePort = basePort;
    this.env = env;
    this.launcherLog = launcherLog;
  }

  String gateway() {
    return "http://127.0.0.1:" + basePort;
  }

  int pgPort() {
    return basePort + 200;
  }

  private List<String> command(String... args) {
    List<String> cmd = new ArrayList<>(List.of(root.resolve("bazaar").toString()));
    cmd.addAll(List.of(args));
    cmd.add("--data-dir");
    cmd.add(dataDir.toString());
    return cmd;
  }

  /** {@code bazaar up} in the background; returns once it printed that the system is up. */
  void up() throws Exception {
    List<String> cmd =
        command(
            "up",
            "--base-port",
            Integer.toString(basePort),
            "--broker-port",
            Integer.toString(basePort + 100),
            "--pg-port",
            Integer.toString(basePort + 200));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(launcherLog.toFile()));
    pb.environment().putAll(env);
    // Customers register from one address: lift the 10-per-minute registration limit.
    pb.environment().putIfAbsent("BAZAAR_GATEWAY_RATE_LIMITS_REGISTER_CAPACITY", "1000000");
    launcher = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < deadline) {
      String log = Files.exists(launcherLog) ? Files.readString(launcherLog) : "";
      if (log.contains("Bazaar is up")) {
        return;
      }
      if (!launcher.isAlive()) {
        throw new IllegalStateException(
            "bazaar up exited with " + launcher.exitValue() + "; see " + launcherLog);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("bazaar up was not ready in 240 s; see " + launcherLog);
  }

  /** {@code bazaar down}, bounded; then makes sure the launcher is gone. */
  void down() throws Exception {
    run(120, "down");
    if (launcher != null && !launcher.waitFor(30, TimeUnit.SECONDS)) {
      launcher.destroyForcibly();
    }
  }

  /**
   * Runs a launcher command; returns its output (stdout and stderr) and fails on a non-zero exit.
   */
  String run(int timeoutSeconds, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("bazaar " + String.join(" ", args) + " timed out: " + out);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "bazaar " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out.strip());
    }
    return out;
  }

  /** A process the launcher records: service, instance, pid, state, restarts. */
  record Instance(String service, String instance, long pid, String state, int restarts) {}

  /** The launcher's state file, read directly (cheaper than starting {@code bazaar status}). */
  List<Instance> instances() {
    List<Instance> out = new ArrayList<>();
    try {
      JsonNode state = Http.JSON.readTree(Files.readString(dataDir.resolve("launcher.json")));
      for (JsonNode i : state.get("instances")) {
        out.add(
            new Instance(
                i.get("service").asText(),
                i.get("instance").asText(),
                i.get("pid").asLong(),
                i.get("state").asText(),
                i.get("restarts").asInt()));
      }
    } catch (IOException | RuntimeException e) {
      // Rewritten atomically, so a read fails only when the launcher is gone: no instances.
    }
    return out;
  }

  String adminPassword() throws IOException {
    return Files.readString(dataDir.resolve("initial-admin-password")).strip();
  }

  /** The password of a service's database role, from the data dir's secrets. */
  String rolePassword(String role) throws IOException {
    java.util.Properties p = new java.util.Properties();
    try (var r = Files.newBufferedReader(dataDir.resolve("secrets.properties"))) {
      p.load(r);
    }
    return p.getProperty(role + ".password");
  }
}
