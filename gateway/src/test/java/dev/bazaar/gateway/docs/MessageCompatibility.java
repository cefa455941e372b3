package dev.bazaar.gateway.docs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What breaks a consumer of a message payload: a property it may read is gone, or has another type
 * or format, or an array's items changed so; a newly required property breaks old producers'
 * messages. Adding an optional property breaks nobody (consumers ignore what they do not know).
 */
final class MessageCompatibility {

  private MessageCompatibility() {}

  static List<String> breakingChanges(JsonObject before, JsonObject after) {
    List<String> out = new ArrayList<>();
    compare("", before, after, out);
    return out;
  }

  private static void compare(String at, JsonObject before, JsonObject after, List<String> out) {
    String where = at.isEmpty() ? "the payload" : at;
    if (!Objects.equals(before.getValue("type"), after.getValue("type"))) {
      out.add(
          where
              + " changed type from "
              + before.getValue("type")
              + " to "
              + after.getValue("type"));
      return;
    }
    if (!Objects.equals(before.getValue("format"), after.getValue("format"))) {
      out.add(
          where
              + " changed format from "
              + before.getValue("format")
              + " to "
              + after.getValue("format"));
    }
    if (before.getValue("enum") instanceof JsonArray old
        && after.getValue("enum") instanceof JsonArray now
        && !now.getList().containsAll(old.getList())) {
      out.add(where + " lost enum values");
    }
    JsonArray wasRequired = before.getJsonArray("required", new JsonArray());
    for (Object name : after.getJsonArray("required", new JsonArray())) {
      if (!wasRequired.contains(name)) {
        out.add((at.isEmpty() ? "" : at + ".") + name + " became required");
      }
    }
    JsonObject oldProps = before.getJsonObject("properties", new JsonObject());
    JsonObject newProps = after.getJsonObject("properties", new JsonObject());
    for (String name : oldProps.fieldNames()) {
      String path = at.isEmpty() ? name : at + "." + name;
      if (!newProps.containsKey(name)) {
        out.add(path + " was removed");
      } else {
        compare(path, oldProps.getJsonObject(name), newProps.getJsonObject(name), out);
      }
    }
    if (before.getValue("items") instanceof JsonObject oldItems) {
      if (after.getValue("items") instanceof JsonObject newItems) {
        compare(at + "[]", oldItems, newItems, out);
      } else {
        out.add(where + " lost its item schema");
      }
    }
  }
}
