package dev.bazaar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every rendered object of a built-in kind is read into the fabric8 Kubernetes model (the API types
 * of Kubernetes 1.33) and rejected when any field is unknown, misspelled or of the wrong type.
 * fabric8 keeps unknown fields in {@code additionalProperties}; strict means that map is empty
 * everywhere in the object. Custom resources are checked against their CRDs instead ({@link
 * CrdSchemaTest}).
 */
class StrictModelTest {
  static final List<String> OVERLAYS = Rendered.OVERLAYS;
  static final Set<String> CUSTOM_GROUPS = Set.of("rabbitmq.com", "postgresql.cnpg.io");

  static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @ParameterizedTest
  @FieldSource("OVERLAYS")
  void everyBuiltInObjectParsesStrictly(String overlay) {
    List<String> problems = new ArrayList<>();
    for (ObjectNode object : Rendered.of(overlay).objects()) {
      String group = object.path("apiVersion").asText().split("/")[0];
      if (CUSTOM_GROUPS.contains(group)) {
        continue;
      }
      problems.addAll(strictProblems(object));
    }
    assertThat(problems).as(overlay).isEmpty();
  }

  @Test
  void aMisspelledFieldIsRejected() throws Exception {
    ObjectNode deployment =
        (ObjectNode)
            Rendered.YAML.readTree(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers:
                        - name: x
                          image: x:1
                          readinesProbe: {httpGet: {path: /, port: 80}}
                """);
    assertThat(strictProblems(deployment)).singleElement().asString().contains("readinesProbe");
  }

  @Test
  void anUnknownKindIsRejected() throws Exception {
    ObjectNode object =
        (ObjectNode) Rendered.YAML.readTree("apiVersion: apps/v1beta1\nkind: Deployment\n");
    assertThat(strictProblems(object)).singleElement().asString().contains("not a known kind");
  }

  static List<String> strictProblems(ObjectNode object) {
    String name = Rendered.name(object);
    KubernetesResource resource;
    try {
      resource = MAPPER.convertValue(object, KubernetesResource.class);
    } catch (IllegalArgumentException e) {
      return List.of(name + ": " + e.getMessage());
    }
    if (resource instanceof GenericKubernetesResource) {
      return List.of(name + ": " + object.path("apiVersion").asText() + " is not a known kind");
    }
    List<String> problems = new ArrayList<>();
    unknownFields(resource, name, problems, new IdentityHashMap<>());
    return problems;
  }

  /** Walks the model through its getters and reports every non-empty additionalProperties. */
  private static void unknownFields(
      Object value, String path, List<String> problems, Map<Object, Boolean> seen) {
    if (value == null || seen.put(value, true) != null) {
      return;
    }
    if (value instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        unknownFields(item, path + "[" + i++ + "]", problems, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        unknownFields(e.getValue(), path + "." + e.getKey(), problems, seen);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class
          || !getter.getName().startsWith("get")) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(path + ": unknown field(s) " + extra.keySet());
        }
        continue;
      }
      String field = getter.getName().substring(3);
      unknownFields(
          child,
          path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1),
          problems,
          seen);
    }
  }
}
