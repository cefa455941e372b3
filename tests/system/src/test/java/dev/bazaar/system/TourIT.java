package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's tour, black-box through the gateway of a system started by the launcher. */
class TourIT {

  static BazaarSystem system;
  static Api api;

  @BeforeAll
  static void boot() throws Exception {
    system = BazaarSystem.onConfiguredInfra("tour");
    system.up();
    api = new Api(system.gateway());
  }

  @AfterAll
  static void shutdown() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  static void assertProblem(Api.Reply r, int status) {
    assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.json().get("status").asInt()).isEqualTo(status);
    assertThat(r.json().get("type").asText()).startsWith("https://bazaar.dev/problems/");
    assertThat(r.raw().body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void registerLoginAndProfile() throws Exception {
    String email = "ada-" + UUID.randomUUID() + "@example.com";
    Api.Reply reg =
        api.post(
            "/api/v1/users",
            Map.of("email", email, "password", "s3cret-pass", "name", "Ada"),
            null);
    assertThat(reg.status()).isEqualTo(201);
    assertThat(reg.json().get("email").asText()).isEqualTo(email);
    assertThat(reg.json().get("name").asText()).isEqualTo("Ada");
    assertThat(reg.json().has("password")).isFalse();
    assertThat(reg.header("X-Request-Id")).isNotBlank();

    assertProblem(
        api.post(
            "/api/v1/users",
            Map.of("email", email, "password", "s3cret-pass", "name", "Ada"),
            null),
        409);

    Api.Reply tok =
        api.post("/api/v1/auth/token", Map.of("email", email, "password", "s3cret-pass"), null);
    assertThat(tok.status()).isEqualTo(200);
    assertThat(tok.json().get("token_type").asText()).isEqualTo("Bearer");
    assertThat(tok.json().get("expires_in").asInt()).isPositive();
    String token = tok.json().get("access_token").asText();
    assertThat(token.split("\\.")).hasSize(3);

    assertProblem(
        api.post("/api/v1/auth/token", Map.of("email", email, "password", "wrong-pass"), null),
        401);

    Api.Reply me = api.get("/api/v1/users/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("id").asText()).isEqualTo(reg.json().get("id").asText());
    assertProblem(api.get("/api/v1/users/me", null), 401);
  }

  @Test
  void everyRequestLeavesOneJsonAccessLogLineInTheGatewayLog() throws Exception {
    Api.Reply r = api.get("/api/v1/products?size=1", null);
    assertThat(r.status()).isEqualTo(200);
    String requestId = r.header("X-Request-Id");
    Path log = system.dataDir.resolve("logs").resolve("gateway.log");

    List<JsonNode> lines = List.of();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (lines.isEmpty() && System.nanoTime() < deadline) {
      lines =
          Files.readAllLines(log).stream()
              .filter(l -> l.contains(requestId) && l.contains("\"bazaar.access\""))
              .map(TourIT::json)
              .toList();
      Thread.sleep(50);
    }
    assertThat(lines).as("access-log lines for %s in %s", requestId, log).hasSize(1);
    JsonNode line = lines.get(0);
    assertThat(line.get("loggerName").asText()).isEqualTo("bazaar.access");
    JsonNode mdc = line.get("mdc");
    assertThat(mdc.get("method").asText()).isEqualTo("GET");
    assertThat(mdc.get("path").asText()).isEqualTo("/api/v1/products");
    assertThat(mdc.get("route").asText()).isEqualTo("products");
    assertThat(mdc.get("upstream").asText()).isEqualTo("catalog");
    assertThat(mdc.get("status").asText()).isEqualTo("200");
    assertThat(Long.parseLong(mdc.get("bytesOut").asText())).isPositive();
    assertThat(mdc.get("latencyMs").asText()).matches("\\d+");
    assertThat(mdc.get("traceId").asText()).matches("[0-9a-f]{32}");
  }

  private static JsonNode json(String line) {
    try {
      return Api.JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not a JSON line: " + line, e);
    }
  }

  @Test
  void browseProducts() throws Exception {
    Api.Reply page = api.get("/api/v1/products?page=0&size=5", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json().get("items")).hasSize(5);
    assertThat(page.json().get("page").asInt()).isZero();
    assertThat(page.json().get("size").asInt()).isEqualTo(5);
    assertThat(page.json().get("total").asInt()).isGreaterThanOrEqualTo(20);
    JsonNode first = page.json().get("items").get(0);
    assertThat(first.get("price").get("amount").isIntegralNumber()).isTrue();
    assertThat(first.get("price").get("currency").asText()).hasSize(3);

    Api.Reply one = api.get("/api/v1/products/" + first.get("id").asText(), null);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("name").asText()).isEqualTo(first.get("name").asText());

    String word = first.get("name").asText().split(" ")[0];
    Api.Reply search = api.get("/api/v1/products?q=" + word, null);
    assertThat(search.status()).isEqualTo(200);
    assertThat(search.json().get("items").findValuesAsText("id"))
        .contains(first.get("id").asText());

    assertProblem(api.get("/api/v1/products/" + UUID.randomUUID(), null), 404);
  }

  @Test
  void placeAnOrderAndGetNotified() throws Exception {
    Api.Customer ada = api.newCustomer("Ada");
    JsonNode product = api.productInStock(2);
    String productId = product.get("id").asText();
    long price = product.get("price").get("amount").asLong();

    Api.Reply placed =
        api.post(
            "/api/v1/orders",
            Map.of(
                "items",
                List.of(
                    Map.of(
                        "productId",
                        productId,
                        "quantity",
                        2,
                        "unitPrice",
                        Map.of("amount", 1, "currency", "EUR"))),
                "paymentToken",
                "tok_ok"),
            ada.token());
    assertThat(placed.status()).as(placed.raw().body()).isEqualTo(202);
    String orderId = placed.json().get("id").asText();
    assertThat(placed.header("Location")).endsWith("/api/v1/orders/" + orderId);
    assertThat(placed.json().get("status").asText()).isEqualTo("PENDING");
    JsonNode line = placed.json().get("items").get(0);
    assertThat(line.get("name").asText()).isEqualTo(product.get("name").asText());
    assertThat(line.get("unitPrice").get("amount").asLong())
        .as("the catalog's price, not the client's")
        .isEqualTo(price);
    assertThat(placed.json().get("total").get("amount").asLong()).isEqualTo(2 * price);

    JsonNode got = api.awaitFinal(orderId, ada.token());
    assertThat(got.get("id").asText()).isEqualTo(orderId);
    assertThat(got.get("status").asText()).isEqualTo("CONFIRMED");
    Api.Reply mine = api.get("/api/v1/orders", ada.token());
    assertThat(mine.json().get("items").findValuesAsText("id")).containsExactly(orderId);

    Api.Customer bob = api.newCustomer("Bob");
    assertProblem(api.get("/api/v1/orders/" + orderId, bob.token()), 404);
    assertThat(api.get("/api/v1/orders", bob.token()).json().get("items")).isEmpty();

    Awaitility.await()
        .atMost(Duration.ofSeconds(2))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode items = api.get("/api/v1/notifications", ada.token()).json().get("items");
              assertThat(items.findValuesAsText("message"))
                  .anySatisfy(m -> assertThat(m).startsWith("Order received"));
              assertThat(items.findValuesAsText("kind")).contains("WELCOME", "ORDER_RECEIVED");
            });
    JsonNode bobs = api.get("/api/v1/notifications", bob.token()).json().get("items");
    assertThat(bobs.findValuesAsText("kind")).doesNotContain("ORDER_RECEIVED");
  }

  @Test
  void unknownProductIsUnprocessable() throws Exception {
    Api.Customer c = api.newCustomer("Cy");
    Api.Reply r =
        api.post(
            "/api/v1/orders",
            Map.of(
                "items",
                List.of(Map.of("productId", UUID.randomUUID().toString(), "quantity", 1)),
                "paymentToken",
                "tok_ok"),
            c.token());
    assertProblem(r, 422);
    assertThat(api.get("/api/v1/orders", c.token()).json().get("items")).isEmpty();
  }

  @Test
  void badInputIsAProblemAndWritesNothing() throws Exception {
    String email = "bad-" + UUID.randomUUID() + "@example.com";
    assertProblem(api.post("/api/v1/users", "{\"email\": \"" + email + "\",", null), 400);
    assertProblem(api.post("/api/v1/users", Map.of("email", email), null), 400);
    assertProblem(
        api.post(
            "/api/v1/users",
            Map.of("email", email, "password", "s3cret-pass", "name", "x".repeat(10_000)),
            null),
        400);
    assertProblem(
        api.post(
            "/api/v1/users",
            Map.of("email", "not-an-email", "password", "s3cret-pass", "name", "Ada"),
            null),
        400);
    // None of those created the account.
    assertProblem(
        api.post("/api/v1/auth/token", Map.of("email", email, "password", "s3cret-pass"), null),
        401);

    Api.Customer c = api.newCustomer("Dee");
    String productId = api.get("/api/v1/products?size=1", null).json().at("/items/0/id").asText();
    for (int quantity : new int[] {0, 1000, -1}) {
      assertProblem(
          api.post(
              "/api/v1/orders",
              Map.of(
                  "items",
                  List.of(Map.of("productId", productId, "quantity", quantity)),
                  "paymentToken",
                  "tok_ok"),
              c.token()),
          400);
    }
    // A missing or unknown payment token is refused before any saga starts.
    assertProblem(
        api.post(
            "/api/v1/orders",
            Map.of("items", List.of(Map.of("productId", productId, "quantity", 1))),
            c.token()),
        400);
    assertProblem(
        api.post(
            "/api/v1/orders",
            Map.of(
                "items",
                List.of(Map.of("productId", productId, "quantity", 1)),
                "paymentToken",
                "tok_stolen"),
            c.token()),
        400);
    assertProblem(api.post("/api/v1/orders", Map.of("items", List.of()), c.token()), 400);
    assertProblem(api.post("/api/v1/orders", "[1,2", c.token()), 400);
    assertThat(api.get("/api/v1/orders", c.token()).json().get("items")).isEmpty();

    assertProblem(api.get("/api/v1/nothing-here", null), 404);
    assertProblem(api.get("/no/such/route", null), 404);
  }

  @Test
  void forgedTokensAreRejected() throws Exception {
    Api.Customer c = api.newCustomer("Eve");
    String[] parts = c.token().split("\\.");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String algNone =
        b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "." + parts[1] + ".";
    String garbled = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    for (String token : List.of("garbage", garbled, algNone, expiredToken(c.id()))) {
      assertProblem(api.get("/api/v1/users/me", token), 401);
      assertProblem(
          api.post(
              "/api/v1/orders",
              Map.of(
                  "items",
                  List.of(Map.of("productId", UUID.randomUUID().toString(), "quantity", 1))),
              token),
          401);
      assertProblem(api.get("/api/v1/notifications", token), 401);
    }
  }

  /**
   * A token that is genuine in every respect but its expiry: signed with the users service's own
   * current key, read from its database (and decrypted with the data dir's key file).
   */
  static String expiredToken(String subject) throws Exception {
    String url = BazaarSystem.pgUrl("bazaar_users");
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT kid, private_key FROM signing_keys ORDER BY created_at DESC LIMIT 1")) {
      assertThat(rs.next()).isTrue();
      PrivateKey key =
          KeyFactory.getInstance("RSA")
              .generatePrivate(
                  new PKCS8EncodedKeySpec(system.signingKeyPkcs8(rs.getString(1), rs.getBytes(2))));
      JwtClaims claims = new JwtClaims();
      claims.setIssuer("https://bazaar.local/users");
      claims.setAudience("bazaar");
      claims.setSubject(subject);
      claims.setStringListClaim("groups", "customer");
      claims.setIssuedAt(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 7200));
      claims.setExpirationTime(NumericDate.fromSeconds(System.currentTimeMillis() / 1000 - 3600));
      JsonWebSignature jws = new JsonWebSignature();
      jws.setPayload(claims.toJson());
      jws.setKey(key);
      jws.setKeyIdHeaderValue(rs.getString(1));
      jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
      return jws.getCompactSerialization();
    }
  }
}
