package dev.bazaar.chaos.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small client of the gateway; every failure to get an answer is status 0 with the error. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(3))
          .build();
  private final String base;

  Http(String base) {
    this.base = base;
  }

  record Reply(int status, JsonNode json, String body, String error, Map<String, String> headers) {
    boolean answered() {
      return status > 0;
    }

    String text(String field) {
      return json == null || json.get(field) == null || json.get(field).isNull()
          ? null
          : json.get(field).asText();
    }
  }

  Reply send(
      String method,
      String path,
      Object body,
      String token,
      Map<String, String> headers,
      Duration timeout) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      headers.forEach(b::header);
      if (body != null) {
        b.header("Content-Type", "application/json");
        b.method(
            method,
            HttpRequest.BodyPublishers.ofString(
                body instanceof String s ? s : JSON.writeValueAsString(body)));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (r.body() != null && !r.body().isBlank()) {
        try {
          json = JSON.readTree(r.body());
        } catch (Exception e) {
          json = null;
        }
      }
      Map<String, String> h = new java.util.HashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      return new Reply(r.statusCode(), json, r.body(), null, h);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(0, null, null, "interrupted", Map.of());
    } catch (Exception e) {
      return new Reply(
          0, null, null, e.getClass().getSimpleName() + ": " + e.getMessage(), Map.of());
    }
  }

  Reply get(String path, String token) {
    return send("GET", path, null, token, Map.of(), Duration.ofSeconds(10));
  }

  Reply post(String path, Object body, String token) {
    return send("POST", path, body, token, Map.of(), Duration.ofSeconds(10));
  }
}
