package dev.bazaar.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates an object against a CRD's {@code openAPIV3Schema} the way the API server's structural
 * schema validation does, but stricter about unknown fields: where the API server would silently
 * prune a field the schema does not declare, this reports it, because a pruned field is a setting
 * that never takes effect. Checked: type, properties, required, additionalProperties, items, enum,
 * pattern, minimum/maximum, minLength/maxLength, minItems/maxItems, nullable, {@code
 * x-kubernetes-int-or-string}, {@code x-kubernetes-preserve-unknown-fields}. Not checked: CEL rules
 * ({@code x-kubernetes-validations}) and formats; those are left to the API server.
 */
final class StructuralSchema {
  private StructuralSchema() {}

  static List<String> validate(JsonNode value, JsonNode schema) {
    List<String> problems = new ArrayList<>();
    check(value, schema, "", problems);
    return problems;
  }

  private static void check(JsonNode value, JsonNode schema, String path, List<String> problems) {
    String at = path.isEmpty() ? "(root)" : path;
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        problems.add(at + ": null is not allowed");
      }
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        problems.add(at + ": expected an integer or a string, but was " + value.getNodeType());
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          problems.add(at + ": expected an object, but was " + value.getNodeType());
          return;
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          var field = it.next();
          String child = path + "." + field.getKey();
          if (properties.has(field.getKey())) {
            check(field.getValue(), properties.get(field.getKey()), child, problems);
          } else if (additional.isObject()) {
            check(field.getValue(), additional, child, problems);
          } else if (!preserve && !(additional.isBoolean() && additional.asBoolean())) {
            problems.add(child + ": unknown field");
          }
        }
        for (JsonNode required : schema.path("required")) {
          if (!value.has(required.asText())) {
            problems.add(at + ": missing required field " + required.asText());
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          problems.add(at + ": expected an array, but was " + value.getNodeType());
          return;
        }
        if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
          problems.add(at + ": fewer than " + schema.get("minItems") + " items");
        }
        if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
          problems.add(at + ": more than " + schema.get("maxItems") + " items");
        }
        for (int i = 0; i < value.size(); i++) {
          check(value.get(i), schema.path("items"), path + "[" + i + "]", problems);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(at + ": expected a string, but was " + value.getNodeType());
          return;
        }
        String s = value.asText();
        if (schema.has("pattern")
            && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
          problems.add(at + ": '" + s + "' does not match " + schema.get("pattern").asText());
        }
        if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
          problems.add(at + ": shorter than " + schema.get("minLength"));
        }
        if (schema.has("maxLength") && s.length() > schema.get("maxLength").asInt()) {
          problems.add(at + ": longer than " + schema.get("maxLength"));
        }
      }
      case "integer", "number" -> {
        if (type.equals("integer") ? !value.isIntegralNumber() : !value.isNumber()) {
          problems.add(at + ": expected " + type + ", but was " + value.getNodeType());
          return;
        }
        BigDecimal n = value.decimalValue();
        if (schema.has("minimum") && n.compareTo(schema.get("minimum").decimalValue()) < 0) {
          problems.add(at + ": " + n + " is below the minimum " + schema.get("minimum"));
        }
        if (schema.has("maximum") && n.compareTo(schema.get("maximum").decimalValue()) > 0) {
          problems.add(at + ": " + n + " is above the maximum " + schema.get("maximum"));
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(at + ": expected a boolean, but was " + value.getNodeType());
        }
      }
      default -> {
        // No type: only x-kubernetes-preserve-unknown-fields schemas may omit it.
        if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
          problems.add(at + ": the schema has no type");
        }
      }
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        problems.add(at + ": " + value + " is not one of " + schema.get("enum"));
      }
    }
  }
}
