package dev.bazaar.gateway.docs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What the gateway adds to the merged document, because it answers for the services: the responses
 * of the edge on every operation (413 for a body too large, 429 with {@code Retry-After} and the
 * {@code RateLimit} headers, 502/503/504 when a service is down or slow), the {@code RateLimit}
 * headers on every response, and the gateway's own operation {@code GET
 * /api/v1/orders/{id}/details}. The order events stream is documented here too while the orders
 * service does not document it itself.
 */
final class EdgeDocs {

  static final String PROBLEM_REF = "#/components/schemas/Problem";
  static final String DETAILS = "/api/v1/orders/{id}/details";
  static final String EVENTS = "/api/v1/orders/{id}/events";

  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private EdgeDocs() {}

  static void apply(JsonObject doc) {
    JsonObject components = doc.getJsonObject("components");
    JsonObject headers = section(components, "headers");
    headers.put(
        "RateLimit-Policy",
        header(
            "The rate-limit policy of this route (RFC draft ietf-httpapi-ratelimit-headers).",
            "string"));
    headers.put("RateLimit", header("What is left of the limit and when it resets.", "string"));
    putIfAbsent(headers, "Retry-After", header("Seconds to wait before trying again.", "integer"));
    putIfAbsent(
        headers,
        "X-Request-Id",
        header("The request's id (given by the client or made by the edge).", "string"));
    JsonObject schemas = section(components, "schemas");
    putIfAbsent(
        schemas,
        "Problem",
        new JsonObject()
            .put("type", "object")
            .put("description", "An RFC 9457 problem document.")
            .put("required", new JsonArray().add("type").add("title").add("status"))
            .put(
                "properties",
                new JsonObject()
                    .put("type", new JsonObject().put("type", "string").put("format", "uri"))
                    .put("title", new JsonObject().put("type", "string"))
                    .put("status", new JsonObject().put("type", "integer"))
                    .put("detail", new JsonObject().put("type", "string"))
                    .put("instance", new JsonObject().put("type", "string"))
                    .put("requestId", new JsonObject().put("type", "string"))));
    JsonObject paths = doc.getJsonObject("paths");
    if (paths.containsKey("/api/v1/orders/{id}") || !paths.containsKey(DETAILS)) {
      paths.put(DETAILS, new JsonObject().put("get", details(schemas)));
    }
    if (!paths.containsKey(EVENTS)) {
      paths.put(EVENTS, new JsonObject().put("get", events()));
    }
    for (Map.Entry<String, Object> path : paths) {
      if (!(path.getValue() instanceof JsonObject item)) {
        continue;
      }
      for (String method : METHODS) {
        if (item.getValue(method) instanceof JsonObject operation) {
          edgeResponses(operation);
        }
      }
    }
  }

  private static void edgeResponses(JsonObject operation) {
    JsonObject responses = operation.getJsonObject("responses");
    if (responses == null) {
      responses = new JsonObject();
      operation.put("responses", responses);
    }
    if (operation.containsKey("requestBody")) {
      putIfAbsent(responses, "413", problem("The body is larger than the gateway accepts", false));
    }
    putIfAbsent(responses, "429", problem("Too many requests: wait Retry-After seconds", true));
    putIfAbsent(responses, "502", problem("The service answered badly", false));
    putIfAbsent(
        responses,
        "503",
        problem("The service is unavailable (down, or its circuit breaker is open)", false));
    putIfAbsent(responses, "504", problem("The service did not answer in time", false));
    for (Map.Entry<String, Object> r : responses) {
      if (r.getValue() instanceof JsonObject response && !response.containsKey("$ref")) {
        JsonObject h = response.getJsonObject("headers");
        if (h == null) {
          h = new JsonObject();
          response.put("headers", h);
        }
        putIfAbsent(h, "RateLimit-Policy", ref("RateLimit-Policy"));
        putIfAbsent(h, "RateLimit", ref("RateLimit"));
      }
    }
  }

  private static JsonObject problem(String description, boolean retryAfter) {
    JsonObject headers = new JsonObject().put("X-Request-Id", ref("X-Request-Id"));
    if (retryAfter) {
      headers.put("Retry-After", ref("Retry-After"));
    }
    return new JsonObject()
        .put("description", description)
        .put("headers", headers)
        .put(
            "content",
            new JsonObject()
                .put(
                    "application/problem+json",
                    new JsonObject().put("schema", new JsonObject().put("$ref", PROBLEM_REF))));
  }

  private static JsonObject details(JsonObject schemas) {
    JsonObject part =
        new JsonObject()
            .put("type", "object")
            .put(
                "description",
                "A part that could not be had (unavailable) or does not exist yet (none).")
            .put("required", new JsonArray().add("status"))
            .put(
                "properties",
                new JsonObject()
                    .put(
                        "status",
                        new JsonObject()
                            .put("type", "string")
                            .put("enum", new JsonArray().add("unavailable").add("none"))));
    JsonObject product =
        schemas.containsKey("ProductView")
            ? new JsonObject()
                .put(
                    "anyOf",
                    new JsonArray()
                        .add(new JsonObject().put("$ref", "#/components/schemas/ProductView"))
                        .add(part.copy()))
            : new JsonObject().put("type", "object");
    JsonObject payment =
        schemas.containsKey("PaymentView")
            ? new JsonObject()
                .put(
                    "anyOf",
                    new JsonArray()
                        .add(new JsonObject().put("$ref", "#/components/schemas/PaymentView"))
                        .add(part.copy()))
            : new JsonObject().put("type", "object");
    JsonObject extra =
        new JsonObject()
            .put("type", "object")
            .put(
                "properties",
                new JsonObject()
                    .put(
                        "items",
                        new JsonObject()
                            .put("type", "array")
                            .put(
                                "items",
                                new JsonObject()
                                    .put("type", "object")
                                    .put("properties", new JsonObject().put("product", product))))
                    .put("payment", payment));
    JsonObject details =
        schemas.containsKey("OrderView")
            ? new JsonObject()
                .put(
                    "allOf",
                    new JsonArray()
                        .add(new JsonObject().put("$ref", "#/components/schemas/OrderView"))
                        .add(extra))
            : extra;
    schemas.put(
        "OrderDetails", details.put("description", "An order with its products and payment."));
    return new JsonObject()
        .put("operationId", "getOrderDetails")
        .put("summary", "An order with its products and payment (composed by the gateway)")
        .put(
            "description",
            "The order comes from orders with the caller's token; each line's current product"
                + " from catalog and the payment from payments, fetched in parallel. A part that"
                + " cannot be had is {\"status\":\"unavailable\"} and the answer is still 200;"
                + " the order's own error (such as 404) is the answer.")
        .put("tags", new JsonArray().add("Orders"))
        .put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())))
        .put("parameters", new JsonArray().add(idParameter()))
        .put(
            "responses",
            new JsonObject()
                .put(
                    "200",
                    new JsonObject()
                        .put("description", "The order with its parts")
                        .put("headers", new JsonObject().put("X-Request-Id", ref("X-Request-Id")))
                        .put(
                            "content",
                            new JsonObject()
                                .put(
                                    "application/json",
                                    new JsonObject()
                                        .put(
                                            "schema",
                                            new JsonObject()
                                                .put(
                                                    "$ref", "#/components/schemas/OrderDetails")))))
                .put("401", problem("No valid bearer token", false))
                .put("404", problem("No such order of the caller's", false)));
  }

  private static JsonObject events() {
    return new JsonObject()
        .put("operationId", "streamOrderEvents")
        .put("summary", "The order's saga as it happens (Server-Sent Events)")
        .put(
            "description",
            "First `event: state` with `id: <version>` and the current OrderView, then `event:"
                + " step` with the OrderView after each committed change, and `event: final` when"
                + " the order is CONFIRMED or CANCELLED; then the server closes the stream. An order"
                + " that is already final gets `state` then `final`. While idle, a `: keep-alive`"
                + " comment every 15 s. Only the owner may listen (someone else's order: 404).")
        .put("tags", new JsonArray().add("Orders"))
        .put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())))
        .put("parameters", new JsonArray().add(idParameter()))
        .put(
            "responses",
            new JsonObject()
                .put(
                    "200",
                    new JsonObject()
                        .put("description", "An event stream of OrderView snapshots")
                        .put("headers", new JsonObject().put("X-Request-Id", ref("X-Request-Id")))
                        .put(
                            "content",
                            new JsonObject()
                                .put(
                                    "text/event-stream",
                                    new JsonObject()
                                        .put(
                                            "schema",
                                            new JsonObject()
                                                .put("type", "string")
                                                .put(
                                                    "description",
                                                    "event: state|step|final, id: the order's"
                                                        + " version, data: OrderView JSON"))
                                        .put(
                                            "example",
                                            "event: state\nid: 1\ndata: {\"id\":\"...\","
                                                + "\"status\":\"PENDING\"}\n\n"))))
                .put("401", problem("No valid bearer token", false))
                .put("404", problem("No such order of the caller's", false)));
  }

  private static JsonObject idParameter() {
    return new JsonObject()
        .put("name", "id")
        .put("in", "path")
        .put("required", true)
        .put("description", "The order's id")
        .put("schema", new JsonObject().put("type", "string").put("format", "uuid"));
  }

  private static JsonObject header(String description, String type) {
    return new JsonObject()
        .put("description", description)
        .put("schema", new JsonObject().put("type", type));
  }

  private static JsonObject ref(String header) {
    return new JsonObject().put("$ref", "#/components/headers/" + header);
  }

  /** Vert.x 4's JsonObject has no putIfAbsent. */
  private static void putIfAbsent(JsonObject object, String key, Object value) {
    if (!object.containsKey(key)) {
      object.put(key, value);
    }
  }

  private static JsonObject section(JsonObject components, String name) {
    JsonObject section = components.getJsonObject(name);
    if (section == null) {
      section = new JsonObject();
      components.put(name, section);
    }
    return section;
  }
}
