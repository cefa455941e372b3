package dev.bazaar.gateway.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAPI 3 description of the endpoints the gateway answers itself for the pages: the browser
 * session and the console's gateway views. The services describe their own admin endpoints.
 */
final class OpenApiFragment {

  private OpenApiFragment() {}

  static JsonObject document() {
    JsonObject paths = new JsonObject();
    paths.put(
        "/api/v1/session",
        new JsonObject()
            .put(
                "post",
                op(
                    "Log in a browser: {email, password}; the token goes into an HttpOnly,"
                        + " SameSite=Strict cookie and the answer says who logged in",
                    "session"))
            .put("get", op("Who the session cookie belongs to (401 without one)", "session"))
            .put("delete", op("Log out: clears the session cookie", "session")));
    paths.put(
        "/api/v1/admin/gateway/topology",
        new JsonObject()
            .put(
                "get",
                admin(
                    "Every supervised process (pid, port, state, restarts, uptime, version) and"
                        + " every upstream (breaker, instances, ejections, in-flight), rate-limit"
                        + " rejections by route")));
    paths.put(
        "/api/v1/admin/gateway/metrics",
        new JsonObject()
            .put(
                "get",
                admin(
                    "The last 15 minutes of the console's series: {intervalSeconds, series:"
                        + " {name: [[epochMillis, value], ...]}}")));
    return new JsonObject()
        .put("openapi", "3.0.3")
        .put("info", new JsonObject().put("title", "Bazaar gateway").put("version", "1"))
        .put("paths", paths);
  }

  private static JsonObject op(String summary, String tag) {
    return new JsonObject()
        .put("summary", summary)
        .put("tags", new JsonArray().add(tag))
        .put(
            "responses",
            new JsonObject()
                .put("200", new JsonObject().put("description", "OK"))
                .put("401", new JsonObject().put("description", "Not logged in")));
  }

  private static JsonObject admin(String summary) {
    JsonObject op = op(summary, "operations");
    op.getJsonObject("responses").put("403", new JsonObject().put("description", "Not an admin"));
    op.put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray())));
    return op;
  }
}
