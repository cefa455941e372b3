package dev.bazaar.gateway.problem;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem answered by the gateway.
 *
 * @param type what went wrong, with its stable type URI and status
 * @param detail human-readable explanation of this occurrence; never a stack trace
 * @param headers extra response headers, e.g. {@code Retry-After}
 */
public record Problem(ProblemType type, String detail, Map<String, String> headers) {

  public static final String CONTENT_TYPE = "application/problem+json";

  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(detail, "detail");
    headers = Map.copyOf(headers);
  }

  public static Problem of(ProblemType type, String detail) {
    return new Problem(type, detail, Map.of());
  }

  public Problem withHeader(String name, String value) {
    var copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Problem(type, detail, copy);
  }

  public int status() {
    return type.status();
  }

  /** The response body; {@code requestId} is an extension member that ties it to the logs. */
  public JsonObject toJson(String instance, String requestId) {
    JsonObject json =
        new JsonObject()
            .put("type", type.uri())
            .put("title", type.title())
            .put("status", type.status())
            .put("detail", detail)
            .put("instance", instance);
    if (requestId != null) {
      json.put("requestId", requestId);
    }
    return json;
  }
}
