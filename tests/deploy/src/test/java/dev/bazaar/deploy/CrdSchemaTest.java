package dev.bazaar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Operator resources against the CRD schemas pinned in deploy/k8s/crds. */
class CrdSchemaTest {
  static final List<String> OVERLAYS = Rendered.OVERLAYS;

  /** apiVersion + "/" + kind to the served version's openAPIV3Schema. */
  static Map<String, JsonNode> schemas() throws IOException {
    Map<String, JsonNode> schemas = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(Repo.k8s().resolve("crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        JsonNode crd = Rendered.YAML.readTree(file.toFile());
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
          if (version.path("served").asBoolean()) {
            schemas.put(
                group + "/" + version.path("name").asText() + "/" + kind,
                version.path("schema").path("openAPIV3Schema"));
          }
        }
      }
    }
    return schemas;
  }

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyCustomResourceMatchesItsPinnedSchema(String overlay) throws IOException {
    Map<String, JsonNode> schemas = schemas();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (ObjectNode object : Rendered.of(overlay).objects()) {
      String group = object.path("apiVersion").asText().split("/")[0];
      if (!StrictModelTest.CUSTOM_GROUPS.contains(group)) {
        continue;
      }
      String key = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
      JsonNode schema = schemas.get(key);
      if (schema == null) {
        problems.add(Rendered.name(object) + ": no pinned CRD serves " + key);
        continue;
      }
      // metadata is the API server's ObjectMeta, checked by kubectl, not by the CRD.
      ObjectNode body = object.deepCopy();
      body.set("metadata", body.objectNode());
      StructuralSchema.validate(body, schema).forEach(p -> problems.add(Rendered.name(object) + p));
      checked++;
    }
    assertThat(problems).as(overlay).isEmpty();
    if (overlay.equals("prod")) {
      // Cluster, 5 Databases, RabbitmqCluster, Vhost, 2 Exchanges, 5 Users, 5 Permissions
      assertThat(checked).isEqualTo(20);
    }
  }

  @Test
  void theValidatorRejectsWhatTheOperatorWouldIgnoreOrRefuse() throws IOException {
    JsonNode schema = schemas().get("postgresql.cnpg.io/v1/Cluster");
    JsonNode bad =
        Rendered.YAML.readTree(
            """
            spec:
              instances: "3"
              storage: {size: 1Gi, sizee: 2Gi}
              managed:
                roles:
                  - {login: true}
            """);
    assertThat(StructuralSchema.validate(bad, schema))
        .anySatisfy(p -> assertThat(p).contains(".spec.instances: expected integer"))
        .anySatisfy(p -> assertThat(p).contains(".spec.storage.sizee: unknown field"))
        .anySatisfy(p -> assertThat(p).contains("missing required field name"));
  }

  @Test
  void thePinnedFilesAreTheReleasedOnes() throws Exception {
    String sources = Files.readString(Repo.k8s().resolve("crds/SOURCES.md"));
    Matcher row = Pattern.compile("\\| (\\S+\\.yaml) \\|.*\\| ([0-9a-f]{64}) \\|").matcher(sources);
    int rows = 0;
    while (row.find()) {
      byte[] bytes = Files.readAllBytes(Repo.k8s().resolve("crds").resolve(row.group(1)));
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      assertThat(sha).as(row.group(1)).isEqualTo(row.group(2));
      rows++;
    }
    try (Stream<Path> files = Files.list(Repo.k8s().resolve("crds"))) {
      assertThat(rows).isEqualTo(files.filter(f -> f.toString().endsWith(".yaml")).count());
    }
  }
}
