package dev.bazaar.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An overlay as {@code kubectl kustomize} renders it: the objects a cluster would receive. Tests
 * that need a rendering are skipped (with the reason) only where kubectl is not installed.
 */
record Rendered(String overlay, List<ObjectNode> objects) {
  static final List<String> OVERLAYS = List.of("dev", "prod");
  static final ObjectMapper YAML = new YAMLMapper();
  private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

  static Rendered of(String overlay) {
    Optional<Path> kubectl = kubectl();
    assumeTrue(
        kubectl.isPresent(), "kubectl is not installed: the overlays cannot be rendered here");
    return CACHE.computeIfAbsent(overlay, o -> render(kubectl.get(), o));
  }

  static Optional<Path> kubectl() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(dir -> Path.of(dir, "kubectl"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static Rendered render(Path kubectl, String overlay) {
    try {
      Process process =
          new ProcessBuilder(
                  kubectl.toString(),
                  "kustomize",
                  Repo.k8s().resolve("overlays").resolve(overlay).toString())
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new AssertionError("kubectl kustomize overlays/" + overlay + " failed:\n" + out);
      }
      return new Rendered(overlay, parseAll(out));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static List<ObjectNode> parseAll(String yaml) throws IOException {
    List<ObjectNode> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode node = it.next();
        if (node != null && node.isObject()) {
          objects.add((ObjectNode) node);
        }
      }
    }
    return objects;
  }

  List<ObjectNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  ObjectNode get(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(overlay + " has no " + kind + " " + name));
  }

  /** Deployments, StatefulSets and Jobs: everything that runs pods. */
  List<ObjectNode> workloads() {
    return objects.stream()
        .filter(o -> List.of("Deployment", "StatefulSet", "Job").contains(o.path("kind").asText()))
        .toList();
  }

  static String name(JsonNode object) {
    return object.path("kind").asText() + "/" + object.path("metadata").path("name").asText();
  }
}
