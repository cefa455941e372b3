package dev.bazaar.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.testing.contract.OpenApiContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A small black-box client of the gateway. Every reply is checked against the merged OpenAPI
 * document the gateway serves ({@link OpenApiContract}): an undocumented status, header or body
 * fails the test that received it.
 */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final String base;
  private volatile OpenApiContract contract;

  Api(String base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * A client that connects from {@code localAddress} (e.g. 127.0.0.2): to the gateway another
   * client identity than one on 127.0.0.1, as its per-IP limits see it.
   */
  Api(String base, java.net.InetAddress localAddress) {
    this.base = base;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .localAddress(localAddress)
            .build();
  }

  /**
   * The gateway's merged document, fetched on first use and kept once every service contributed to
   * it (a service still starting would leave its paths out, and them unchecked). It is also saved
   * to {@code target/api/openapi.json}, where CI's linter reads it.
   */
  private OpenApiContract contract() throws Exception {
    OpenApiContract current = contract;
    if (current != null) {
      return current;
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/docs/openapi.json"))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /api/docs/openapi.json answered " + r.statusCode());
    }
    current = OpenApiContract.of(r.body());
    if (!r.body().contains("\"status\":\"unavailable\"")) {
      contract = current;
      Path saved = Path.of("target/api/openapi.json");
      Files.createDirectories(saved.getParent());
      Files.writeString(saved, JSON.readTree(r.body()).toPrettyString());
    }
    return current;
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
    return sendWithKey(method, path, body, token, null);
  }

  /** As {@link #send}, with an {@code Idempotency-Key} header when {@code key} is not null. */
  Reply sendWithKey(String method, String path, String body, String token, String key)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
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
    contract()
        .check(
            method,
            URI.create(base + path).getRawPath(),
            r.statusCode(),
            r.headers().map(),
            r.body());
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

  Reply put(String path, Object body, String token) throws Exception {
    return send("PUT", path, body instanceof String s ? s : JSON.writeValueAsString(body), token);
  }

  /** Places an order of one product line with a payment token; returns the raw reply. */
  Reply order(String token, String productId, int quantity, String paymentToken) throws Exception {
    return post(
        "/api/v1/orders",
        Map.of(
            "items",
            java.util.List.of(Map.of("productId", productId, "quantity", quantity)),
            "paymentToken",
            paymentToken),
        token);
  }

  /** Polls an order until its saga ended (CONFIRMED or CANCELLED) and returns it. */
  JsonNode awaitFinal(String orderId, String token) throws Exception {
    return awaitFinal(orderId, token, Duration.ofSeconds(30));
  }

  JsonNode awaitFinal(String orderId, String token, Duration atMost) throws Exception {
    long deadline = System.nanoTime() + atMost.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Reply r = get("/api/v1/orders/" + orderId, token);
      if (r.status() == 200) {
        last = r.json();
        String status = last.get("status").asText();
        if (status.equals("CONFIRMED") || status.equals("CANCELLED")) {
          return last;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("order " + orderId + " not final after " + atMost + ": " + last);
  }

  /** The available stock of a product, read past any cache (with the caller's token). */
  /**
   * The first listed product with at least {@code units} in stock: on real infrastructure the
   * catalog database is shared with earlier runs, which sell some products out.
   */
  JsonNode productInStock(int units) throws Exception {
    for (JsonNode p : get("/api/v1/products?size=100", null).json().get("items")) {
      if (p.get("stock").asInt() >= units) {
        return p;
      }
    }
    throw new AssertionError("no product has " + units + " units in stock");
  }

  int stock(String productId, String token) throws Exception {
    Reply r = get("/api/v1/products/" + productId, token);
    if (r.status() != 200) {
      throw new AssertionError("product " + productId + ": " + r.status() + " " + r.raw().body());
    }
    return r.json().get("stock").asInt();
  }

  /** Creates a product as the admin; returns its id. */
  String createProduct(String adminToken, String name, long price, int stock) throws Exception {
    Reply r =
        post(
            "/api/v1/products",
            Map.of(
                "name",
                name,
                "description",
                "made by a system test",
                "price",
                Map.of("amount", price, "currency", "EUR"),
                "stock",
                stock),
            adminToken);
    if (r.status() != 201) {
      throw new AssertionError("create product: " + r.status() + " " + r.raw().body());
    }
    return r.json().get("id").asText();
  }

  /** The payments of an order as its owner (or the admin) sees them. */
  JsonNode payments(String orderId, String token) throws Exception {
    Reply r = get("/api/v1/payments?orderId=" + orderId, token);
    // A service restarting after a crash answers 502/503 through the gateway for a moment.
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (r.status() >= 500 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      r = get("/api/v1/payments?orderId=" + orderId, token);
    }
    if (r.status() != 200) {
      throw new AssertionError("payments of " + orderId + ": " + r.status() + " " + r.raw().body());
    }
    return r.json().get("items");
  }
}
