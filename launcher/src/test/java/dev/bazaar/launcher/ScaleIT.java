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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bazaar scale} against a running launcher with {@link FakeService} stand-ins: the registry
 * file follows scaling up and down, extra instances get their own ports, the gateway is told where
 * the registry is, and what cannot scale is refused.
 */
class ScaleIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path home;
  Path data;
  int basePort;
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
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out, manifest);
        InputStream in = FakeService.class.getResourceAsStream("FakeService.class")) {
      jarOut.putNextEntry(new JarEntry(FakeService.class.getName().replace('.', '/') + ".class"));
      in.transferTo(jarOut);
    }
    for (ServiceSpec s : Services.ALL) {
      Path target = home.resolve(s.jar());
      Files.createDirectories(target.getParent());
      Files.copy(jar, target);
    }
    basePort = TestPorts.freeRange(Services.ALL.size());
  }

  @AfterEach
  void killEverything() throws Exception {
    if (up != null && up.isAlive()) {
      run("down");
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

  void awaitLine(Path log, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(log) || !Files.readString(log).contains(text)) {
      if (System.nanoTime() > deadline || !up.isAlive()) {
        throw new AssertionError("no '" + text + "' in:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  /** The catalog entries of {@code <data>/registry.json}. */
  JsonNode catalogInRegistry() throws IOException {
    return JSON.readTree(data.resolve("registry.json").toFile()).get("services").get("catalog");
  }

  static boolean answers(String url) {
    try {
      return HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                      .timeout(Duration.ofSeconds(2))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void scaleUpAndDownFollowedByTheRegistryFile() throws Exception {
    Path upLog = tmp.resolve("up.log");
    up =
        new ProcessBuilder(
                command(
                    "up",
                    "--base-port",
                    Integer.toString(basePort),
                    "--broker-port",
                    Integer.toString(TestPorts.free()),
                    "--pg-port",
                    Integer.toString(TestPorts.free())))
            .redirectErrorStream(true)
            .redirectOutput(upLog.toFile())
            .start();
    awaitLine(upLog, "Bazaar is up", Duration.ofSeconds(180));
    JSON.readTree(run("status", "--json").output())
        .forEach(n -> seenPids.add(n.get("pid").asLong()));
    assertThat(Files.readString(data.resolve("logs/gateway.log")))
        .contains("env BAZAAR_GATEWAY_REGISTRY_FILE=" + data.resolve("registry.json"));
    JsonNode one = catalogInRegistry();
    assertThat(one).hasSize(1);
    assertThat(one.get(0).get("instance").asText()).isEqualTo("catalog-1");
    assertThat(one.get(0).get("url").asText()).isEqualTo("http://127.0.0.1:" + (basePort + 2));
    assertThat(one.get(0).get("state").asText()).isEqualTo("ready");

    Result scaledUp = run("scale", "catalog=3");
    assertThat(scaledUp.code()).as(scaledUp.output()).isEqualTo(0);
    assertThat(scaledUp.output()).contains("catalog: 3 instances (started catalog-2 on port");
    JsonNode three = catalogInRegistry();
    assertThat(three).hasSize(3);
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonNode entry = three.get(i);
      assertThat(entry.get("instance").asText()).isEqualTo("catalog-" + (i + 1));
      assertThat(entry.get("state").asText()).isEqualTo("ready");
      urls.add(entry.get("url").asText());
      seenPids.add(entry.get("pid").asLong());
    }
    assertThat(new HashSet<>(urls)).hasSize(3);
    urls.forEach(url -> assertThat(answers(url)).as(url).isTrue());
    JsonNode status = JSON.readTree(run("status", "--json").output());
    assertThat(status.findValuesAsText("instance")).contains("catalog-2", "catalog-3");
    assertThat(Files.readString(data.resolve("logs/catalog-3.log")))
        .contains("env BAZAAR_INSTANCE=catalog-3");

    Result scaledDown = run("scale", "catalog=1");
    assertThat(scaledDown.code()).as(scaledDown.output()).isEqualTo(0);
    assertThat(scaledDown.output()).contains("catalog: 1 instance (stopped catalog-3, catalog-2)");
    JsonNode back = catalogInRegistry();
    assertThat(back).hasSize(1);
    assertThat(back.get(0).get("instance").asText()).isEqualTo("catalog-1");
    assertThat(answers(urls.get(1))).isFalse();
    assertThat(answers(urls.get(2))).isFalse();
    assertThat(JSON.readTree(run("status", "--json").output()).findValuesAsText("instance"))
        .doesNotContain("catalog-2", "catalog-3");

    Result gateway = run("scale", "gateway=2");
    assertThat(gateway.code()).isEqualTo(1);
    assertThat(gateway.output()).contains("gateway cannot be scaled");
    Result zero = run("scale", "catalog=0");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.output()).contains("between 1 and 8, but was 0");
    Result unknown = run("scale", "billing=2");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.output()).contains("unknown service 'billing'");

    Result down = run("down");
    assertThat(down.code()).isEqualTo(0);
    assertThat(data.resolve("registry.json")).doesNotExist();
    assertThat(data.resolve("control.json")).doesNotExist();
    assertThat(run("scale", "catalog=2").code()).isEqualTo(3);
  }
}
