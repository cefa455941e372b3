package dev.bazaar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose/compose.yaml: {@code docker compose config} where the Compose plugin is installed,
 * and always the same rules as the Kubernetes dev overlay, which it mirrors: same images, same
 * variables with the same values (Compose service names are the Kubernetes Service names),
 * health-checked infrastructure before the services, the gateway on 8080.
 */
class ComposeTest {
  static Path compose() {
    return Repo.root().resolve("deploy/compose/compose.yaml");
  }

  @Test
  void dockerComposeAcceptsTheFileWhereThePluginIsInstalled() throws Exception {
    Process probe = start("docker", "compose", "version");
    if (probe == null || !probe.waitFor(30, TimeUnit.SECONDS) || probe.exitValue() != 0) {
      org.junit.jupiter.api.Assumptions.abort(
          "the Docker Compose plugin is not installed: the YAML rules below stand in for it");
    }
    Process config = start("docker", "compose", "-f", compose().toString(), "config", "--quiet");
    String out = new String(config.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(config.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(config.exitValue()).as(out).isZero();
  }

  private static Process start(String... command) {
    try {
      return new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * compose.yaml as Compose reads it: SnakeYAML resolves the anchors and merge keys ({@code <<:
   * *anchor}) that Jackson's YAML parser leaves alone.
   */
  static JsonNode services() throws IOException {
    Object yaml;
    try (var in = Files.newBufferedReader(compose())) {
      yaml = new org.yaml.snakeyaml.Yaml().load(in);
    }
    JsonNode root = Rendered.YAML.valueToTree(yaml);
    assertThat(root.has("version")).as("the obsolete 'version' key").isFalse();
    return root.path("services");
  }

  /** ${VAR:-default} as Compose resolves it without the variable set. */
  static String interpolate(String value) {
    Matcher m = Pattern.compile("\\$\\{[A-Z0-9_]+:-([^}]*)}").matcher(value);
    return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
  }

  @Test
  void everyImageIsPinnedAndTheBazaarImagesAreTheKubernetesOnes() throws IOException {
    JsonNode services = services();
    Rendered dev = Rendered.of("dev");
    List<String> problems = new ArrayList<>();
    for (var it = services.fields(); it.hasNext(); ) {
      var s = it.next();
      String image = s.getValue().path("image").asText();
      if (!PolicyTest.pinned(image)) {
        problems.add(s.getKey() + ": image " + image + " is not pinned");
      }
    }
    for (String process : PolicyTest.PROCESSES) {
      String k8sImage =
          dev.get("Deployment", process).at("/spec/template/spec/containers/0/image").asText();
      assertThat(services.path(process).path("image").asText()).as(process).isEqualTo(k8sImage);
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyProcessGetsTheSameVariablesAsInTheDevOverlay() throws IOException {
    JsonNode services = services();
    Rendered dev = Rendered.of("dev");
    Map<String, Set<String>> contract = RuntimeContract.variables();
    List<String> problems = new ArrayList<>();
    for (String process : PolicyTest.PROCESSES) {
      Map<String, String> composeEnv = new LinkedHashMap<>();
      services
          .path(process)
          .path("environment")
          .fields()
          .forEachRemaining(e -> composeEnv.put(e.getKey(), interpolate(e.getValue().asText())));
      Map<String, String> k8sEnv = PolicyTest.environment(dev, dev.get("Deployment", process));
      for (String variable : contract.get(process)) {
        if (!composeEnv.containsKey(variable) && !PolicyTest.LAUNCHER_ONLY.containsKey(variable)) {
          problems.add(process + " does not set " + variable);
        }
      }
      for (var e : k8sEnv.entrySet()) {
        String name = e.getKey();
        if (name.startsWith("AMQP_")
            || name.startsWith("BAZAAR_GATEWAY_UPSTREAMS_")
            || name.equals("JAVA_TOOL_OPTIONS")) {
          continue; // composed into BAZAAR_AMQP_URL here; no headless Services in Compose
        }
        String composeValue = composeEnv.get(name);
        if (composeValue == null) {
          problems.add(process + ": " + name + " is set in Kubernetes but not in Compose");
        } else if (!e.getValue().startsWith("<")
            && !name.equals("BAZAAR_AMQP_URL")
            && !e.getValue().equals(composeValue)) {
          problems.add(
              process
                  + ": "
                  + name
                  + " is "
                  + composeValue
                  + " in Compose but "
                  + e.getValue()
                  + " in Kubernetes");
        }
      }
      if (!process.equals("gateway")) {
        String amqp = composeEnv.getOrDefault("BAZAAR_AMQP_URL", "");
        if (!amqp.startsWith("amqp://" + process + ":")
            || !amqp.endsWith("@bazaar-rabbitmq:5672/bazaar")) {
          problems.add(
              process
                  + ": BAZAAR_AMQP_URL "
                  + amqp
                  + " is not its own broker user on the bazaar vhost");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void theInfrastructureIsHealthyBeforeTheServicesStartAndTheGatewayIsOn8080() throws IOException {
    JsonNode services = services();
    for (String infra : List.of("bazaar-pg-rw", "bazaar-rabbitmq", "bazaar-redis")) {
      assertThat(services.path(infra).has("healthcheck")).as(infra + " healthcheck").isTrue();
    }
    for (String process : PolicyTest.PROCESSES.subList(0, 5)) {
      JsonNode dependsOn = services.path(process).path("depends_on");
      assertThat(dependsOn.at("/bazaar-pg-rw/condition").asText())
          .as(process)
          .isEqualTo("service_healthy");
      assertThat(dependsOn.at("/bazaar-rabbitmq/condition").asText())
          .as(process)
          .isEqualTo("service_healthy");
      assertThat(dependsOn.at("/db-setup/condition").asText())
          .as(process)
          .isEqualTo("service_completed_successfully");
      assertThat(dependsOn.at("/broker-setup/condition").asText())
          .as(process)
          .isEqualTo("service_completed_successfully");
      assertThat(services.path(process).path("read_only").asBoolean())
          .as(process + " read_only")
          .isTrue();
      assertThat(services.path(process).path("user").asText()).isEqualTo("65532:65532");
    }
    assertThat(services.at("/gateway/depends_on/bazaar-redis/condition").asText())
        .isEqualTo("service_healthy");
    assertThat(services.at("/gateway/ports/0").asText()).isEqualTo("8080:8080");
  }

  @Test
  void theSetupScriptsAreTheDevJobs() throws IOException {
    Rendered dev = Rendered.of("dev");
    Map<String, String> files =
        Map.of("bazaar-db-setup", "db-setup.sh", "bazaar-broker-setup", "broker-setup.sh");
    for (var e : files.entrySet()) {
      String job =
          dev.get("Job", e.getKey()).at("/spec/template/spec/containers/0/args/0").asText();
      String script =
          Files.readString(Repo.root().resolve("deploy/compose/setup").resolve(e.getValue()));
      assertThat(script).as(e.getValue()).endsWith(job);
    }
  }
}
