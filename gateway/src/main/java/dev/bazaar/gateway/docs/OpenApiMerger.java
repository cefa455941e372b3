package dev.bazaar.gateway.docs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Merges the services' OpenAPI 3 documents into one: paths are united (a path the gateway does not
 * route, or that an earlier service already documents, is left out), tags are united by name, and
 * components are united per section. A component that two services define differently keeps its
 * name for the first service; later ones get {@code <service>_<name>} and their {@code $ref}s are
 * rewritten. Plain Java over Vert.x JSON, so it is unit-tested without a server.
 */
public final class OpenApiMerger {

  /** The label when no service document says otherwise: what SmallRye OpenAPI emits. */
  static final String DEFAULT_VERSION = "3.1.0";

  private final JsonObject merged;
  private boolean versioned;
  private final Predicate<String> routed;
  private final JsonArray sources = new JsonArray();

  /** {@code routed} tells which paths the gateway forwards (others are not advertised). */
  public OpenApiMerger(String title, Predicate<String> routed) {
    this.routed = routed;
    this.merged =
        new JsonObject()
            .put("openapi", DEFAULT_VERSION)
            .put(
                "info",
                new JsonObject()
                    .put("title", title)
                    .put("version", "1")
                    .put(
                        "description",
                        "Every Bazaar service's API behind the gateway. Errors are RFC 9457"
                            + " problem+json; lists are paged with page/size and answer"
                            + " {items, page, size, total}; the messages between the services"
                            + " are described in /api/docs/asyncapi.json.")
                    .put(
                        "license",
                        new JsonObject()
                            .put("name", "Apache License 2.0")
                            .put("identifier", "Apache-2.0")))
            .put("servers", new JsonArray().add(new JsonObject().put("url", "/")))
            .put("paths", new JsonObject())
            .put("components", new JsonObject());
  }

  /** Records a service whose document could not be had. */
  public OpenApiMerger unavailable(String service, String reason) {
    sources.add(
        new JsonObject()
            .put("service", service)
            .put("status", "unavailable")
            .put("reason", reason));
    return this;
  }

  /** Adds one service's document. */
  public OpenApiMerger add(String service, JsonObject document) {
    JsonObject doc = document.copy();
    // The merge keeps the services' schemas as they are, so it speaks their dialect: 3.1 schemas
    // (type arrays, examples) under a 3.0 label would be a lie a validator trips over.
    if (!versioned && doc.getValue("openapi") instanceof String version) {
      merged.put("openapi", version);
      versioned = true;
    }
    JsonObject components = doc.getJsonObject("components", new JsonObject());
    JsonObject target = merged.getJsonObject("components");
    Map<String, String> renames = new HashMap<>();
    for (String section : components.fieldNames()) {
      JsonObject theirs = components.getJsonObject(section);
      JsonObject ours = target.getJsonObject(section);
      if (theirs == null || ours == null) {
        continue;
      }
      for (String name : theirs.fieldNames()) {
        if (ours.containsKey(name) && !ours.getValue(name).equals(theirs.getValue(name))) {
          renames.put(
              "#/components/" + section + "/" + name,
              "#/components/" + section + "/" + service + "_" + name);
        }
      }
    }
    if (!renames.isEmpty()) {
      doc = (JsonObject) rewriteRefs(doc, renames);
      components = doc.getJsonObject("components", new JsonObject());
      for (Map.Entry<String, String> rename : renames.entrySet()) {
        String[] from = rename.getKey().split("/");
        String[] to = rename.getValue().split("/");
        JsonObject section = components.getJsonObject(from[2]);
        section.put(to[3], section.remove(from[3]));
      }
    }
    for (String section : components.fieldNames()) {
      JsonObject theirs = components.getJsonObject(section);
      if (theirs == null) {
        continue;
      }
      JsonObject ours = target.getJsonObject(section);
      if (ours == null) {
        ours = new JsonObject();
        target.put(section, ours);
      }
      for (String name : theirs.fieldNames()) {
        if (!ours.containsKey(name)) {
          ours.put(name, theirs.getValue(name));
        }
      }
    }
    JsonObject paths = merged.getJsonObject("paths");
    int added = 0;
    for (Map.Entry<String, Object> path : doc.getJsonObject("paths", new JsonObject())) {
      if (routed.test(path.getKey()) && !paths.containsKey(path.getKey())) {
        paths.put(path.getKey(), path.getValue());
        added++;
      }
    }
    Map<String, Object> tags = new LinkedHashMap<>();
    for (Object tag : merged.getJsonArray("tags", new JsonArray())) {
      tags.put(((JsonObject) tag).getString("name"), tag);
    }
    for (Object tag : doc.getJsonArray("tags", new JsonArray())) {
      if (tag instanceof JsonObject t && t.getString("name") != null) {
        tags.putIfAbsent(t.getString("name"), t);
      }
    }
    if (!tags.isEmpty()) {
      merged.put("tags", new JsonArray(new ArrayList<>(tags.values())));
    }
    sources.add(
        new JsonObject()
            .put("service", service)
            .put("status", "ok")
            .put("paths", added)
            .put("renamed", new JsonArray(renames.values().stream().sorted().toList())));
    return this;
  }

  /** The merged document, with {@code x-bazaar-sources} telling which services made it. */
  public JsonObject result() {
    JsonObject result = merged.copy();
    EdgeDocs.apply(result);
    dropUnusedSchemas(result);
    return result.put("x-bazaar-sources", sources.copy());
  }

  private static final String SCHEMA_REF = "#/components/schemas/";

  /**
   * Removes the schemas that only paths left out of the merge used (a service's endpoints the
   * gateway does not route): a schema stays if a path, or a schema that stays, refers to it.
   */
  static void dropUnusedSchemas(JsonObject doc) {
    JsonObject components = doc.getJsonObject("components");
    JsonObject schemas = components == null ? null : components.getJsonObject("schemas");
    if (schemas == null) {
      return;
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    java.util.Deque<Object> todo = new java.util.ArrayDeque<>();
    for (Map.Entry<String, Object> field : doc) {
      if (!field.getKey().equals("components") && field.getValue() != null) {
        todo.add(field.getValue());
      }
    }
    for (Map.Entry<String, Object> section : components) {
      if (!section.getKey().equals("schemas") && section.getValue() != null) {
        todo.add(section.getValue());
      }
    }
    while (!todo.isEmpty()) {
      Object node = todo.pop();
      if (node instanceof JsonObject object) {
        for (Map.Entry<String, Object> field : object) {
          if (field.getKey().equals("$ref")
              && field.getValue() instanceof String ref
              && ref.startsWith(SCHEMA_REF)) {
            String name = ref.substring(SCHEMA_REF.length());
            if (used.add(name) && schemas.getValue(name) != null) {
              todo.add(schemas.getValue(name));
            }
          } else if (field.getValue() != null) {
            todo.add(field.getValue());
          }
        }
      } else if (node instanceof JsonArray array) {
        array.forEach(
            item -> {
              if (item != null) {
                todo.add(item);
              }
            });
      }
    }
    for (String name : new ArrayList<>(schemas.fieldNames())) {
      if (!used.contains(name)) {
        schemas.remove(name);
      }
    }
  }

  private static Object rewriteRefs(Object node, Map<String, String> renames) {
    if (node instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      for (Map.Entry<String, Object> field : object) {
        Object value = field.getValue();
        if (field.getKey().equals("$ref") && value instanceof String ref) {
          copy.put("$ref", renames.getOrDefault(ref, ref));
        } else {
          copy.put(field.getKey(), rewriteRefs(value, renames));
        }
      }
      return copy;
    }
    if (node instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      for (Object value : array) {
        copy.add(rewriteRefs(value, renames));
      }
      return copy;
    }
    return node;
  }
}
