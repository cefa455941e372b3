package dev.bazaar.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A small black-box client of the gateway. */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  Api(String base) {
    this.base = base;
  }

  record Reply(int status, HttpResponse<String> raw, JsonNode json) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String contentType() {
      return header("Content-Type");
    }
  }

  Reply get(String path, String token) throws Exception {
    return send("GET", path, null, token);
  }

  Reply post(String path, Object body, String token) throws Exception {
    return send("POST", path, body instanceof String s ? s : JSON.writeValueAsString(body), token);
  }

  Reply send(String method, String path, String body, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    if (r.body() != null && !r.body().isBlank()) {
      try {
        json = JSON.readTree(r.body());
      } catch (Exception e) {
        json = null;
      }
    }
    return new Reply(r.statusCode(), r, json);
  }

  /** A new customer: registers and logs in; returns id, email and token. */
  Customer newCustomer(String name) throws Exception {
    String email = "c-" + UUID.randomUUID() + "@example.com";
    Reply reg =
        post(
            "/api/v1/users", Map.of("email", email, "password", "s3cret-pass", "name", name), null);
    if (reg.status() != 201) {
      throw new AssertionError("registration failed: " + reg.status() + " " + reg.raw().body());
    }
    return new Customer(reg.json().get("id").asText(), email, login(email, "s3cret-pass"));
  }

  String login(String email, String password) throws Exception {
    Reply tok = post("/api/v1/auth/token", Map.of("email", email, "password", password), null);
    if (tok.status() != 200) {
      throw new AssertionError("login failed: " + tok.status() + " " + tok.raw().body());
    }
    return tok.json().get("access_token").asText();
  }

  record Customer(String id, String email, String token) {}
}
