package dev.bazaar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The deployment rules of docs/deploy.md, checked on every rendered overlay. */
class PolicyTest {
  static final List<String> OVERLAYS = Rendered.OVERLAYS;
  static final List<String> PROCESSES =
      List.of("users", "catalog", "orders", "notifications", "payments", "gateway");

  /**
   * Contract variables that only the local launcher sets, with the reason they have no place in a
   * cluster. Anything else the contract lists must be set.
   */
  static final Map<String, String> LAUNCHER_ONLY =
      Map.of(
          "BAZAAR_GATEWAY_REGISTRY_FILE",
          "the launcher's registry of local instances; in Kubernetes the gateway discovers pods"
              + " through the headless Services (BAZAAR_GATEWAY_UPSTREAMS_<NAME>_DNS_NAME)");

  /** Hosts the operators create: a CNPG Cluster's -rw Service, a RabbitmqCluster's Service. */
  static final Set<String> OPERATOR_SERVICES = Set.of("bazaar-pg-rw", "bazaar-rabbitmq");

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyContainerHasProbesResourcesAndARestrictedSecurityContext(String overlay) {
    List<String> problems = new ArrayList<>();
    for (ObjectNode workload : Rendered.of(overlay).workloads()) {
      problems.addAll(containerProblems(workload));
    }
    assertThat(problems).as(overlay).isEmpty();
  }

  @Test
  void aContainerWithoutItsSafeguardsIsReported() throws IOException {
    ObjectNode bare =
        (ObjectNode)
            Rendered.YAML.readTree(
                """
                kind: Deployment
                metadata: {name: bare}
                spec:
                  template:
                    spec:
                      containers:
                        - {name: app, image: "bazaar/app:latest"}
                """);
    assertThat(containerProblems(bare))
        .anySatisfy(p -> assertThat(p).contains("startupProbe"))
        .anySatisfy(p -> assertThat(p).contains("livenessProbe"))
        .anySatisfy(p -> assertThat(p).contains("readinessProbe"))
        .anySatisfy(p -> assertThat(p).contains("resources"))
        .anySatisfy(p -> assertThat(p).contains("runAsNonRoot"))
        .anySatisfy(p -> assertThat(p).contains("readOnlyRootFilesystem"))
        .anySatisfy(p -> assertThat(p).contains("allowPrivilegeEscalation"))
        .anySatisfy(p -> assertThat(p).contains("drop ALL"))
        .anySatisfy(p -> assertThat(p).contains("latest"));
  }

  static List<String> containerProblems(ObjectNode workload) {
    List<String> problems = new ArrayList<>();
    String name = Rendered.name(workload);
    boolean job = workload.path("kind").asText().equals("Job");
    JsonNode pod = workload.path("spec").path("template").path("spec");
    JsonNode podSecurity = pod.path("securityContext");
    List<JsonNode> containers = new ArrayList<>();
    pod.path("initContainers").forEach(containers::add);
    pod.path("containers").forEach(containers::add);
    for (JsonNode c : containers) {
      String at = name + " container " + c.path("name").asText() + ": ";
      if (!job) {
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
          if (!c.has(probe)) {
            problems.add(at + "no " + probe);
          }
        }
      }
      JsonNode resources = c.path("resources");
      for (String r : List.of("requests/cpu", "requests/memory", "limits/memory")) {
        if (resources.at("/" + r).isMissingNode()) {
          problems.add(at + "no resources." + r.replace('/', '.'));
        }
      }
      JsonNode sc = c.path("securityContext");
      boolean nonRoot =
          sc.path("runAsNonRoot").asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false));
      int user = sc.path("runAsUser").asInt(podSecurity.path("runAsUser").asInt(-1));
      if (!nonRoot || user == 0) {
        problems.add(at + "runAsNonRoot is not true (or runAsUser is 0)");
      }
      if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
        problems.add(at + "readOnlyRootFilesystem is not true");
      }
      if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
        problems.add(at + "allowPrivilegeEscalation is not false");
      }
      if (sc.path("privileged").asBoolean(false)) {
        problems.add(at + "privileged");
      }
      boolean dropsAll = false;
      for (JsonNode cap : sc.path("capabilities").path("drop")) {
        dropsAll |= cap.asText().equals("ALL");
      }
      if (!dropsAll || sc.path("capabilities").has("add")) {
        problems.add(at + "capabilities must drop ALL and add none");
      }
      String seccomp =
          sc.path("seccompProfile")
              .path("type")
              .asText(podSecurity.path("seccompProfile").path("type").asText(""));
      if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
        problems.add(at + "no RuntimeDefault seccomp profile");
      }
      String image = c.path("image").asText();
      if (!pinned(image)) {
        problems.add(at + "image " + image + " has no fixed tag (missing, or latest)");
      }
    }
    if (containers.isEmpty()) {
      problems.add(name + ": no containers");
    }
    return problems;
  }

  /** A tag other than latest, or a digest. */
  static boolean pinned(String image) {
    if (image.contains("@sha256:")) {
      return true;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon < slash + 1) {
      return false;
    }
    String tag = image.substring(colon + 1);
    return !tag.isEmpty() && !tag.equalsIgnoreCase("latest");
  }

  @Test
  void imageTagsAreRecognised() {
    assertThat(pinned("bazaar/users:0.1.0")).isTrue();
    assertThat(pinned("registry.example.com:5000/bazaar/users:0.1.0")).isTrue();
    assertThat(pinned("registry.example.com:5000/bazaar/users")).isFalse();
    assertThat(pinned("bazaar/users")).isFalse();
    assertThat(pinned("bazaar/users:latest")).isFalse();
    assertThat(pinned("bazaar/users@sha256:" + "0".repeat(64))).isTrue();
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyContractVariableIsSetInItsDeployment(String overlay) throws IOException {
    Rendered rendered = Rendered.of(overlay);
    Map<String, Set<String>> contract = RuntimeContract.variables();
    assertThat(contract.get("users")).contains("QUARKUS_DATASOURCE_JDBC_URL", "BAZAAR_AMQP_URL");
    assertThat(contract.get("orders")).contains("BAZAAR_CATALOG_URL");
    assertThat(contract.get("gateway")).contains("BAZAAR_GATEWAY_UPSTREAM_PAYMENTS", "REDIS_URL");
    List<String> problems = new ArrayList<>();
    for (String process : PROCESSES) {
      Map<String, String> env = environment(rendered, rendered.get("Deployment", process));
      for (String variable : contract.get(process)) {
        if (!env.containsKey(variable) && !LAUNCHER_ONLY.containsKey(variable)) {
          problems.add(process + " does not set " + variable);
        }
      }
      // Pods are reached on their IP: the default loopback binding would make them unreachable.
      if (!"0.0.0.0".equals(env.get("QUARKUS_HTTP_HOST"))) {
        problems.add(
            process
                + ": QUARKUS_HTTP_HOST must be 0.0.0.0, but is "
                + env.get("QUARKUS_HTTP_HOST"));
      }
    }
    for (String process : PROCESSES.subList(0, 5)) {
      String gatewayDns =
          "BAZAAR_GATEWAY_UPSTREAMS_" + process.toUpperCase(Locale.ROOT) + "_DNS_NAME";
      Map<String, String> gatewayEnv = environment(rendered, rendered.get("Deployment", "gateway"));
      if (!(process + "-headless").equals(gatewayEnv.get(gatewayDns))) {
        problems.add(
            "gateway: " + gatewayDns + " must name the headless Service " + process + "-headless");
      }
    }
    assertThat(problems).as(overlay).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyServiceUsesItsOwnCredentialsAndDatabase(String overlay) {
    Rendered rendered = Rendered.of(overlay);
    List<String> problems = new ArrayList<>();
    for (String service : PROCESSES.subList(0, 5)) {
      ObjectNode deployment = rendered.get("Deployment", service);
      Map<String, String> env = environment(rendered, deployment);
      if (!env.getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "").endsWith("/bazaar_" + service)) {
        problems.add(service + " does not use the database bazaar_" + service);
      }
      for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
        String secret = e.at("/valueFrom/secretKeyRef/name").asText("");
        if (!secret.isEmpty() && !secret.startsWith(service + "-")) {
          problems.add(
              service + " reads " + e.path("name").asText() + " from another's Secret " + secret);
        }
      }
    }
    assertThat(problems).as(overlay).isEmpty();
  }

  /**
   * The key that encrypts users' signing keys is a file from a Secret of users' own, at the path
   * {@code BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE} names (users does not start without the file); in
   * dev that Secret holds 32 bytes.
   */
  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void usersReadsItsKeyEncryptionKeyFromItsOwnSecret(String overlay) {
    Rendered rendered = Rendered.of(overlay);
    ObjectNode users = rendered.get("Deployment", "users");
    String file = environment(rendered, users).get("BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE");
    assertThat(file).as("BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE").startsWith("/");
    Path path = Path.of(file);
    JsonNode mount = null;
    for (JsonNode m : users.at("/spec/template/spec/containers/0/volumeMounts")) {
      if (Path.of(m.path("mountPath").asText()).equals(path.getParent())) {
        mount = m;
      }
    }
    assertThat(mount).as("a volume mounted at " + path.getParent()).isNotNull();
    assertThat(mount.path("readOnly").asBoolean()).as("read-only mount").isTrue();
    JsonNode volume = null;
    for (JsonNode v : users.at("/spec/template/spec/volumes")) {
      if (v.path("name").asText().equals(mount.path("name").asText())) {
        volume = v;
      }
    }
    assertThat(volume).isNotNull();
    String secret = volume.at("/secret/secretName").asText("");
    assertThat(secret).as("a Secret of users' own").startsWith("users-key-encryption");
    String key = null;
    for (JsonNode item : volume.at("/secret/items")) {
      if (item.path("path").asText().equals(path.getFileName().toString())) {
        key = item.path("key").asText();
      }
    }
    assertThat(key).as("an item of the Secret becomes " + path.getFileName()).isNotNull();
    if (overlay.equals("dev")) {
      String data = rendered.get("Secret", secret).path("data").path(key).asText();
      byte[] aes = Base64.getDecoder().decode(new String(Base64.getDecoder().decode(data)).strip());
      assertThat(aes).as("AES-256 key").hasSize(32);
    }
  }

  /**
   * Every host a process is told to reach is a Service of the rendering (or one an operator
   * creates), on a port that Service has: nothing points at localhost or at a name that is not
   * there. The one exception: users verifies its own tokens through its own port on loopback.
   */
  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyAddressInTheEnvironmentIsAServiceOfTheCluster(String overlay) {
    Rendered rendered = Rendered.of(overlay);
    Map<String, Set<Integer>> services = new LinkedHashMap<>();
    for (ObjectNode s : rendered.ofKind("Service")) {
      Set<Integer> ports = new LinkedHashSet<>();
      s.path("spec").path("ports").forEach(p -> ports.add(p.path("port").asInt()));
      services.put(s.path("metadata").path("name").asText(), ports);
    }
    services.putIfAbsent("bazaar-pg-rw", Set.of(5432));
    services.putIfAbsent("bazaar-rabbitmq", Set.of(5672));
    List<String> problems = new ArrayList<>();
    for (String process : PROCESSES) {
      ObjectNode deployment = rendered.get("Deployment", process);
      int ownPort = deployment.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt();
      Map<String, String> env = environment(rendered, deployment);
      for (var e : env.entrySet()) {
        Matcher url =
            Pattern.compile("^(?:jdbc:)?(\\w+)://(?:[^@/]*@)?([^:/]+):(\\d+)")
                .matcher(e.getValue());
        if (!url.find()) {
          continue;
        }
        String host = url.group(2);
        int port = Integer.parseInt(url.group(3));
        if (host.equals("127.0.0.1") && process.equals("users") && port == ownPort) {
          continue;
        }
        if (!services.getOrDefault(host, Set.of()).contains(port)) {
          problems.add(
              process
                  + ": "
                  + e.getKey()
                  + " points at "
                  + host
                  + ":"
                  + port
                  + ", which no Service serves");
        }
      }
    }
    assertThat(problems).as(overlay).isEmpty();
    if (overlay.equals("prod")) {
      assertThat(OPERATOR_SERVICES).allSatisfy(s -> assertThat(services).containsKey(s));
    }
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyServiceSelectsAWorkloadAndEveryDeploymentHasAService(String overlay) {
    Rendered rendered = Rendered.of(overlay);
    List<ObjectNode> podOwners = new ArrayList<>();
    podOwners.addAll(rendered.ofKind("Deployment"));
    podOwners.addAll(rendered.ofKind("StatefulSet"));
    List<String> problems = new ArrayList<>();
    Set<String> selected = new LinkedHashSet<>();
    for (ObjectNode service : rendered.ofKind("Service")) {
      JsonNode selector = service.path("spec").path("selector");
      List<ObjectNode> matches =
          podOwners.stream()
              .filter(w -> matches(selector, w.at("/spec/template/metadata/labels")))
              .toList();
      if (selector.isEmpty() || matches.isEmpty()) {
        problems.add(Rendered.name(service) + " selects no Deployment or StatefulSet");
      }
      for (ObjectNode w : matches) {
        selected.add(Rendered.name(w));
        for (JsonNode port : service.path("spec").path("ports")) {
          JsonNode target = port.path("targetPort");
          boolean served = false;
          for (JsonNode c : w.at("/spec/template/spec/containers")) {
            for (JsonNode cp : c.path("ports")) {
              served |=
                  target.isTextual()
                      ? target.asText().equals(cp.path("name").asText())
                      : target.asInt(port.path("port").asInt()) == cp.path("containerPort").asInt();
            }
          }
          if (!served) {
            problems.add(
                Rendered.name(service)
                    + " port "
                    + port.path("name").asText()
                    + " reaches no container port of "
                    + Rendered.name(w));
          }
        }
      }
    }
    for (ObjectNode d : rendered.ofKind("Deployment")) {
      if (!selected.contains(Rendered.name(d))) {
        problems.add(Rendered.name(d) + " has no Service");
      }
    }
    for (ObjectNode d : podOwners) {
      if (!matches(d.at("/spec/selector/matchLabels"), d.at("/spec/template/metadata/labels"))) {
        problems.add(Rendered.name(d) + ": its selector does not match its own pods");
      }
    }
    assertThat(problems).as(overlay).isEmpty();
  }

  static boolean matches(JsonNode matchLabels, JsonNode labels) {
    for (var it = matchLabels.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A rolling update drops no request: the pod stays in rotation during preStop while endpoints and
   * the gateway's DNS view catch up, then Quarkus drains for quarkus.shutdown.timeout; the grace
   * period must cover both, with 5 s to spare, or the kubelet kills requests in flight.
   */
  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void theGracePeriodCoversPreStopAndTheShutdownTimeout(String overlay) throws IOException {
    Rendered rendered = Rendered.of(overlay);
    Duration services =
        shutdownTimeout(
            Repo.root()
                .resolve("chassis/src/main/resources/META-INF/microprofile-config.properties"));
    Duration gateway =
        shutdownTimeout(Repo.root().resolve("gateway/src/main/resources/application.properties"));
    List<String> problems = new ArrayList<>();
    for (String process : PROCESSES) {
      JsonNode pod = rendered.get("Deployment", process).at("/spec/template/spec");
      long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
      long preStop = pod.at("/containers/0/lifecycle/preStop/sleep/seconds").asLong(-1);
      long drain = (process.equals("gateway") ? gateway : services).toSeconds();
      if (preStop < 5) {
        problems.add(
            process
                + ": preStop sleep is "
                + preStop
                + " s, at least 5 s are needed for endpoints to update");
      }
      if (grace < preStop + drain + 5) {
        problems.add(
            process
                + ": terminationGracePeriodSeconds "
                + grace
                + " < preStop "
                + preStop
                + " + shutdown timeout "
                + drain
                + " + 5");
      }
    }
    assertThat(problems).as(overlay).isEmpty();
  }

  static Duration shutdownTimeout(Path properties) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(properties)) {
      p.load(in);
    }
    String value = p.getProperty("quarkus.shutdown.timeout");
    if (value == null) {
      throw new AssertionError(properties + " sets no quarkus.shutdown.timeout");
    }
    return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
  }

  /**
   * A container's variables as Kubernetes sets them: envFrom ConfigMaps of the rendering, then env
   * (literal values with $(VAR) expanded, or a reference). Values from Secrets are "<secret>".
   */
  static Map<String, String> environment(Rendered rendered, ObjectNode workload) {
    JsonNode container = workload.at("/spec/template/spec/containers/0");
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String cm = from.at("/configMapRef/name").asText("");
      if (!cm.isEmpty()) {
        rendered
            .get("ConfigMap", cm)
            .path("data")
            .fields()
            .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      }
      if (from.has("secretRef")) {
        throw new AssertionError(
            Rendered.name(workload) + ": envFrom a Secret hides which variables it sets");
      }
    }
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("value")) {
        String value = e.path("value").asText();
        Matcher ref = Pattern.compile("\\$\\(([A-Za-z0-9_]+)\\)").matcher(value);
        while (ref.find()) {
          if (!env.containsKey(ref.group(1))) {
            throw new AssertionError(
                Rendered.name(workload)
                    + ": "
                    + name
                    + " uses $("
                    + ref.group(1)
                    + "), which is not defined before it");
          }
        }
        env.put(name, value.replaceAll("\\$\\(([A-Za-z0-9_]+)\\)", "x"));
      } else {
        env.put(name, "<" + e.at("/valueFrom/secretKeyRef/name").asText("ref") + ">");
      }
    }
    return env;
  }

  @Test
  void theContractIsReadFromTheDocument() throws IOException {
    Map<String, Set<String>> contract = RuntimeContract.variables();
    assertThat(contract.get("gateway"))
        .contains(
            "BAZAAR_GATEWAY_UPSTREAM_USERS",
            "BAZAAR_GATEWAY_UPSTREAM_CATALOG",
            "BAZAAR_GATEWAY_UPSTREAM_NOTIFICATIONS",
            "BAZAAR_GATEWAY_REGISTRY_FILE");
    assertThat(contract.get("catalog"))
        .doesNotContain("BAZAAR_CATALOG_URL", "BAZAAR_ADMIN_PASSWORD");
    assertThat(contract.get("users")).contains("BAZAAR_ADMIN_PASSWORD");
    assertThat(URI.create("http://users:8081").getHost()).isEqualTo("users");
  }
}
