package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.launcher.cli.Home;
import dev.bazaar.launcher.supervise.ProcessTable;
import dev.bazaar.launcher.supervise.StaleState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher as a user runs it, with {@link FakeService} jars in place of the Quarkus services:
 * up, status, a killed service restarted, a second up refused, the launcher killed with SIGKILL,
 * and down cleaning up what it left.
 */
class LauncherIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path home;
  Path data;
  int basePort;
  int brokerPort;
  int pgPort;
  Process up;
  final List<Long> seenPids = new ArrayList<>();

  record Result(int code, String output) {}

  @BeforeEach
  void fakeRepository() throws IOException {
    home = tmp.resolve("repo");
    data = tmp.resolve("data");
    Path jar = tmp.resolve("fake-service.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeService.class.getName());
    String entry = FakeService.class.getName().replace('.', '/') + ".class";
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest);
        InputStream in = FakeService.class.getResourceAsStream("FakeService.class")) {
      jarOut.putNextEntry(new JarEntry(entry));
      in.transferTo(jarOut);
    }
    for (ServiceSpec s : Services.ALL) {
      Path target = home.resolve(s.jar());
      Files.createDirectories(target.getParent());
      Files.copy(jar, target);
    }
    basePort = TestPorts.freeRange(Services.ALL.size());
    brokerPort = TestPorts.free();
    pgPort = TestPorts.free();
  }

  @AfterEach
  void killEverything() {
    if (up != null) {
      up.destroyForcibly();
    }
    new StaleState(ProcessTable.os()).stopPostgres(data);
    for (long pid : seenPids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Home.javaExecutable());
    command.add("-Dbazaar.home=" + home);
    command.add("-cp");
    command.add(Home.launcherClasspath());
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    command.add("--data-dir");
    command.add(data.toString());
    return command;
  }

  Result run(String... args) throws Exception {
    Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), output);
  }

  JsonNode status() throws Exception {
    Result r = run("status", "--json");
    return JSON.readTree(r.output());
  }

  static JsonNode instance(JsonNode status, String service) {
    for (JsonNode n : status) {
      if (n.get("service").asText().equals(service)) {
        return n;
      }
    }
    throw new AssertionError("no " + service + " in " + status);
  }

  void awaitLine(Path log, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(log) || !Files.readString(log).contains(text)) {
      if (System.nanoTime() > deadline || !up.isAlive()) {
        throw new AssertionError(
            "no '" + text + "' in the launcher output:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  @Test
  void upSuperviseSurviveAKilledLauncherAndGoDown() throws Exception {
    Path upLog = tmp.resolve("up.log");
    up =
        new ProcessBuilder(
                command(
                    "up",
                    "--base-port",
                    Integer.toString(basePort),
                    "--broker-port",
                    Integer.toString(brokerPort),
                    "--pg-port",
                    Integer.toString(pgPort)))
            .redirectErrorStream(true)
            .redirectOutput(upLog.toFile())
            .start();
    awaitLine(upLog, "Bazaar is up: http://127.0.0.1:" + basePort, Duration.ofSeconds(180));

    JsonNode status = status();
    assertThat(status).hasSize(Services.ALL.size() + 2);
    status.forEach(n -> assertThat(n.get("state").asText()).isEqualTo("ready"));
    status.forEach(n -> seenPids.add(n.get("pid").asLong()));
    assertThat(Files.readString(data.resolve("logs/orders.log")))
        .contains("env BAZAAR_CATALOG_URL=http://127.0.0.1:" + (basePort + 2));

    long ordersPid = instance(status, "orders").get("pid").asLong();
    ProcessHandle.of(ordersPid).orElseThrow().destroyForcibly();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode orders;
    do {
      Thread.sleep(300);
      orders = instance(status(), "orders");
      assertThat(System.nanoTime()).as("orders restarted in time").isLessThan(deadline);
    } while (!(orders.get("restarts").asInt() == 1
        && orders.get("state").asText().equals("ready")));
    seenPids.add(orders.get("pid").asLong());

    // The embedded PostgreSQL runs in the launcher's JVM, not as a child: it is watched apart.
    long killedPostmaster = instance(status(), "postgres").get("pid").asLong();
    ProcessHandle.of(killedPostmaster).orElseThrow().destroyForcibly();
    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode postgres;
    do {
      Thread.sleep(300);
      postgres = instance(status(), "postgres");
      assertThat(System.nanoTime()).as("postgres restarted in time").isLessThan(deadline);
    } while (!(postgres.get("restarts").asInt() == 1
        && postgres.get("state").asText().equals("ready")));
    assertThat(postgres.get("pid").asLong()).isNotEqualTo(killedPostmaster);
    seenPids.add(postgres.get("pid").asLong());
    try (var c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres",
                "postgres",
                new dev.bazaar.launcher.infra.Secrets(data, new java.security.SecureRandom())
                    .password(dev.bazaar.launcher.infra.Secrets.POSTGRES_SUPERUSER));
        var rs = c.createStatement().executeQuery("SELECT 1")) {
      assertThat(rs.next()).as("PostgreSQL answers after its restart").isTrue();
    }

    Result second = run("up", "--base-port", Integer.toString(basePort + 100));
    assertThat(second.code()).isEqualTo(1);
    assertThat(second.output()).contains("error: Bazaar is already running");

    up.destroyForcibly().waitFor();
    Result stale = run("status");
    assertThat(stale.code()).isEqualTo(3);
    assertThat(stale.output()).contains("Bazaar is not running");
    assertThat(ProcessHandle.of(instance(status, "gateway").get("pid").asLong()))
        .as("children outlive a SIGKILLed launcher")
        .isPresent();

    Result down = run("down");
    assertThat(down.code()).isEqualTo(0);
    assertThat(down.output()).contains("cleaning up", "stopped gateway-1", "stopped postgres-1");
    for (long pid : seenPids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("pid %d is gone", pid)
          .isFalse();
    }
    OptionalLong postmaster = StaleState.postmasterPid(data.resolve("postgres"));
    assertThat(postmaster.isEmpty() || ProcessHandle.of(postmaster.getAsLong()).isEmpty()).isTrue();
    assertThat(run("down").output()).contains("Bazaar is not running");
  }

  Process startUp(Path log) throws IOException {
    return new ProcessBuilder(
            command(
                "up",
                "--base-port",
                Integer.toString(basePort),
                "--broker-port",
                Integer.toString(brokerPort),
                "--pg-port",
                Integer.toString(pgPort)))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** The JVM options of the running instance of {@code service}. */
  List<String> arguments(String service) throws Exception {
    long pid = instance(status(), service).get("pid").asLong();
    seenPids.add(pid);
    return List.of(ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow());
  }

  /** Ctrl-C's signal, then waits until the launcher (and so the AOT assembly) is done. */
  void stopUp() throws Exception {
    up.destroy();
    assertThat(up.waitFor(240, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aSecondUpUsesTheAotCacheOfTheFirstAndARebuiltJarTrainsANewOne() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        dev.bazaar.launcher.jvm.StartupCache.aotSupported(), "AOT caches need JDK 25");
    Path first = tmp.resolve("up-1.log");
    up = startUp(first);
    awaitLine(first, "Bazaar is up", Duration.ofSeconds(180));
    assertThat(arguments("users")).contains("-XX:AOTMode=record");
    stopUp();
    assertThat(Files.readString(first)).contains("AOT cache for users written");
    List<String> caches;
    try (var files = Files.list(home.resolve("target/aot"))) {
      caches = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".aot")).toList();
    }
    assertThat(caches)
        .anyMatch(n -> n.startsWith("users-"))
        .anyMatch(n -> n.startsWith("gateway-"));

    Path second = tmp.resolve("up-2.log");
    up = startUp(second);
    awaitLine(second, "Bazaar is up", Duration.ofSeconds(180));
    String usersCache =
        arguments("users").stream()
            .filter(a -> a.startsWith("-XX:AOTCache="))
            .findFirst()
            .orElseThrow();
    assertThat(Path.of(usersCache.substring("-XX:AOTCache=".length()))).isRegularFile();
    stopUp();
    assertThat(Files.readString(second)).doesNotContain("writing AOT caches");

    // A rebuilt users jar: same path, a new time.
    Path usersJar = home.resolve(Services.byName("users").jar());
    Files.setLastModifiedTime(
        usersJar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    Path third = tmp.resolve("up-3.log");
    up = startUp(third);
    awaitLine(third, "Bazaar is up", Duration.ofSeconds(180));
    assertThat(arguments("users"))
        .contains("-XX:AOTMode=record")
        .noneMatch(a -> a.startsWith("-XX:AOTCache="));
    assertThat(arguments("catalog")).anyMatch(a -> a.startsWith("-XX:AOTCache="));
    stopUp();
    assertThat(Files.readString(third)).contains("AOT cache for users written");
    try (var files = Files.list(home.resolve("target/aot"))) {
      assertThat(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(n -> n.startsWith("users-") && n.endsWith(".aot")))
          .as("the old build's cache is gone")
          .hasSize(1)
          .doesNotContain(
              Path.of(usersCache.substring("-XX:AOTCache=".length())).getFileName().toString());
    }
  }
}
