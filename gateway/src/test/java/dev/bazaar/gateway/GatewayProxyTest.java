package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@WithTestResource(FakeUpstreams.class)
class GatewayProxyTest {

  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;

  @TestHTTPResource("/")
  URI base;

  private static String marker() {
    return UUID.randomUUID().toString();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/api/v1/users, users",
    "/api/v1/users/me, users",
    "/api/v1/auth/token, users",
    "/api/v1/auth/jwks, users",
    "/api/v1/products, catalog",
    "/api/v1/products/42, catalog",
    "/api/v1/orders, orders",
    "/api/v1/orders/7/cancel, orders",
    "/api/v1/notifications, notifications",
    "/api/v1/notifications/stream, notifications"
  })
  void routesEveryPrefixToItsUpstreamWithThePathUnchanged(String path, String upstream) {
    String marker = marker();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .when()
        .get(path)
        .then()
        .statusCode(200)
        .header("X-Upstream", upstream)
        .body("uri", equalTo(path));
    assertThat(upstreams.only(marker).upstream()).isEqualTo(upstream);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/usersX",
        "/api/v1/users-admin",
        "/api/v1",
        "/api/v2/users",
        "/api",
        "/api/",
        "/api/v1/unknown/thing"
      })
  void unknownApiPathIsA404ProblemAndNeverReachesAnUpstream(String path) {
    String marker = marker();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .when()
        .get(path)
        .then()
        .statusCode(404)
        .contentType(PROBLEM_JSON)
        .header("X-Request-Id", notNullValue())
        .body("type", equalTo("https://bazaar.dev/problems/not-found"))
        .body("title", equalTo("Not Found"))
        .body("status", equalTo(404))
        .body("detail", notNullValue())
        .body("instance", equalTo(path));
    assertThat(upstreams.heads(marker)).isEmpty();
  }

  @ParameterizedTest
  // "/" is the storefront's (tests of it in StorefrontGatewayTest).
  @ValueSource(strings = {"/no/such/route", "/index.html"})
  void pathsOutsideTheApiThatNothingServesAreA404Problem(String path) {
    given()
        .when()
        .get(path)
        .then()
        .statusCode(404)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("https://bazaar.dev/problems/not-found"))
        .body("instance", equalTo(path));
  }

  @Test
  void healthIsStillServedByQuarkus() {
    given().when().get("/q/health/ready").then().statusCode(200);
  }

  @Test
  void forwardsTheQueryStringVerbatim() {
    String marker = marker();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .urlEncodingEnabled(false)
        .when()
        .get("/api/v1/products?q=red%20shoe&page=2&tag=a&tag=b")
        .then()
        .statusCode(200)
        .body("uri", equalTo("/api/v1/products?q=red%20shoe&page=2&tag=a&tag=b"));
    assertThat(upstreams.only(marker).uri())
        .isEqualTo("/api/v1/products?q=red%20shoe&page=2&tag=a&tag=b");
  }

  @Test
  void forwardsMethodBodyAuthorizationAndEndToEndHeaders() {
    String marker = marker();
    String json = "{\"sku\":\"ABC-1\",\"quantity\":2}";
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Authorization", "Bearer abc.def.ghi")
        .header("Idempotency-Key", "key-1")
        .contentType("application/json")
        .body(json)
        .when()
        .post("/api/v1/orders")
        .then()
        .statusCode(200)
        .body("method", equalTo("POST"))
        .body("bodyLength", equalTo(json.length()));
    FakeUpstreams.Seen seen = upstreams.only(marker);
    assertThat(seen.header("Authorization")).isEqualTo("Bearer abc.def.ghi");
    assertThat(seen.header("Idempotency-Key")).isEqualTo("key-1");
    assertThat(seen.header("Content-Type")).startsWith("application/json");
    assertThat(seen.bodySha256()).isEqualTo(FakeUpstreams.sha256(json.getBytes()));
  }

  @Test
  void stripsHopByHopRequestHeadersAndSetsForwardedHeaders() {
    String marker = marker();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Connection", "keep-alive, X-Drop-Me")
        .header("X-Drop-Me", "secret")
        .header("Keep-Alive", "timeout=5")
        .header("TE", "trailers")
        .header("Upgrade", "example/1.0")
        .header("Proxy-Authorization", "Basic Zm9vOmJhcg==")
        .header("Proxy-Custom", "x")
        .header("X-Forwarded-For", "203.0.113.7")
        .when()
        .get("/api/v1/users/me")
        .then()
        .statusCode(200);
    FakeUpstreams.Seen seen = upstreams.only(marker);
    assertThat(seen.hasHeader("X-Drop-Me")).isFalse();
    assertThat(seen.hasHeader("Keep-Alive")).isFalse();
    assertThat(seen.hasHeader("TE")).isFalse();
    assertThat(seen.hasHeader("Upgrade")).isFalse();
    assertThat(seen.hasHeader("Proxy-Authorization")).isFalse();
    assertThat(seen.hasHeader("Proxy-Custom")).isFalse();
    assertThat(seen.headers().getOrDefault("connection", List.of()))
        .noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("x-drop-me"));
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("X-Forwarded-Host")).startsWith("localhost");
  }

  @Test
  void generatesARequestIdWhenAbsentAndSendsItUpstream() {
    String marker = marker();
    String requestId =
        given()
            .header(FakeUpstreams.MARKER, marker)
            .when()
            .get("/api/v1/products")
            .then()
            .statusCode(200)
            .extract()
            .header("X-Request-Id");
    assertThat(requestId).matches(UUID_PATTERN);
    assertThat(upstreams.only(marker).header("X-Request-Id")).isEqualTo(requestId);
  }

  @Test
  void propagatesASaneIncomingRequestId() {
    String marker = marker();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("X-Request-Id", "client-req_1.2")
        .when()
        .get("/api/v1/products")
        .then()
        .statusCode(200)
        .header("X-Request-Id", "client-req_1.2");
    assertThat(upstreams.only(marker).header("X-Request-Id")).isEqualTo("client-req_1.2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"has space", "semi;colon", "<script>"})
  void replacesAnInsaneIncomingRequestId(String insane) {
    String marker = marker();
    String requestId =
        given()
            .header(FakeUpstreams.MARKER, marker)
            .header("X-Request-Id", insane)
            .when()
            .get("/api/v1/products")
            .then()
            .statusCode(200)
            .extract()
            .header("X-Request-Id");
    assertThat(requestId).matches(UUID_PATTERN);
    assertThat(upstreams.only(marker).header("X-Request-Id")).isEqualTo(requestId);
  }

  @Test
  void replacesATooLongRequestId() {
    String tooLong = "a".repeat(129);
    String requestId =
        given()
            .header("X-Request-Id", tooLong)
            .when()
            .get("/api/v1/products")
            .then()
            .statusCode(200)
            .extract()
            .header("X-Request-Id");
    assertThat(requestId).matches(UUID_PATTERN);
  }

  @Test
  void continuesAnIncomingTraceWithANewSpan() {
    String marker = marker();
    String incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("traceparent", incoming)
        .header("tracestate", "vendor=abc")
        .when()
        .get("/api/v1/orders")
        .then()
        .statusCode(200);
    FakeUpstreams.Seen seen = upstreams.only(marker);
    String[] sent = seen.header("traceparent").split("-");
    assertThat(sent).hasSize(4);
    assertThat(sent[0]).isEqualTo("00");
    assertThat(sent[1]).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(sent[2]).matches("[0-9a-f]{16}").isNotEqualTo("00f067aa0ba902b7");
    assertThat(sent[3]).isEqualTo("01");
    assertThat(seen.header("tracestate")).isEqualTo("vendor=abc");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"
      })
  void startsANewTraceWhenNoneOrAnInvalidOneArrives(String incoming) {
    String marker = marker();
    var request = given().header(FakeUpstreams.MARKER, marker);
    if (!incoming.isEmpty()) {
      request.header("traceparent", incoming);
    }
    request.when().get("/api/v1/orders").then().statusCode(200);
    String sent = upstreams.only(marker).header("traceparent");
    assertThat(sent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    assertThat(sent).doesNotContain("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(sent.split("-")[1]).isNotEqualTo("0".repeat(32));
  }

  @Test
  void passesUpstreamStatusLocationAndBodyThroughAndStripsHopByHopResponseHeaders() {
    Response response =
        given()
            .header("X-Fake-Status", "201")
            .header("X-Fake-Location", "/api/v1/orders/42")
            .redirects()
            .follow(false)
            .when()
            .post("/api/v1/orders");
    response
        .then()
        .statusCode(201)
        .header("Location", "/api/v1/orders/42")
        .header("X-Upstream", "orders")
        .header("Keep-Alive", nullValue())
        .header("Proxy-Authenticate", nullValue())
        .header("X-Upstream-Secret", nullValue())
        .body("upstream", equalTo("orders"));
  }

  @Test
  void passesUpstreamProblemJsonThroughVerbatim() {
    given()
        .header("X-Fake-Status", "409")
        .header("X-Fake-Problem", "yes")
        .when()
        .post("/api/v1/orders")
        .then()
        .statusCode(409)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("https://bazaar.dev/problems/conflict"))
        .body("detail", equalTo("upstream orders says no"));
  }

  @Test
  void unreachableUpstreamIsA503ProblemWithRetryAfter() {
    given()
        .header("X-Request-Id", "down-1")
        .when()
        .get("/api/v1/down/anything")
        .then()
        .statusCode(503)
        .contentType(PROBLEM_JSON)
        .header("Retry-After", "1")
        .header("X-Request-Id", "down-1")
        .body("type", equalTo("https://bazaar.dev/problems/upstream-unavailable"))
        .body("status", equalTo(503))
        .body("instance", equalTo("/api/v1/down/anything"))
        .body("detail", startsWith("Upstream 'down'"));
  }

  @Test
  void slowUpstreamIsA504ProblemAfterTheRouteTimeout() {
    long started = System.nanoTime();
    given()
        .when()
        .get("/api/v1/slow/report")
        .then()
        .statusCode(504)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("https://bazaar.dev/problems/upstream-timeout"))
        .body("status", equalTo(504));
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(elapsedMillis).isBetween(400L, FakeUpstreams.SLOW_MILLIS - 1_000);
  }

  @Test
  void declaredBodyOverOneMebibyteIsA413AndNeverReachesTheUpstream() {
    String marker = marker();
    byte[] twoMiB = new byte[2 * 1024 * 1024];
    given()
        .header(FakeUpstreams.MARKER, marker)
        .contentType("application/octet-stream")
        .body(twoMiB)
        .when()
        .post("/api/v1/products")
        .then()
        .statusCode(413)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("https://bazaar.dev/problems/payload-too-large"))
        .body("status", equalTo(413));
    assertThat(upstreams.heads(marker)).isEmpty();
    assertThat(upstreams.completed(marker)).isEmpty();
  }

  @Test
  void chunkedBodyOverOneMebibyteIsA413AndTheUpstreamNeverGetsTheRequest() throws Exception {
    String marker = marker();
    HttpResponse<String> response =
        postChunked("/api/v1/products", marker, new byte[2 * 1024 * 1024]);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type")).contains(PROBLEM_JSON);
    JsonObject problem = new JsonObject(response.body());
    assertThat(problem.getString("type"))
        .isEqualTo("https://bazaar.dev/problems/payload-too-large");
    assertThat(problem.getString("detail"))
        .isEqualTo("The request body must be at most 1048576 bytes, but was longer.");
    assertThat(upstreams.completed(marker)).isEmpty();
  }

  @Test
  void bodyOfExactlyTheLimitIsForwardedIntact() {
    String marker = marker();
    byte[] oneMiB = new byte[1024 * 1024];
    Arrays.fill(oneMiB, (byte) 'x');
    oneMiB[0] = 'a';
    given()
        .header(FakeUpstreams.MARKER, marker)
        .contentType("application/octet-stream")
        .body(oneMiB)
        .when()
        .put("/api/v1/products/1")
        .then()
        .statusCode(200)
        .body("bodyLength", equalTo(oneMiB.length));
    assertThat(upstreams.only(marker).bodySha256()).isEqualTo(FakeUpstreams.sha256(oneMiB));
  }

  @Test
  void chunkedBodyUnderTheLimitIsStreamedIntact() throws Exception {
    String marker = marker();
    byte[] body = new byte[300 * 1024];
    for (int i = 0; i < body.length; i++) {
      body[i] = (byte) (i * 31);
    }
    HttpResponse<String> response = postChunked("/api/v1/notifications", marker, body);
    assertThat(response.statusCode()).isEqualTo(200);
    FakeUpstreams.Seen seen = upstreams.only(marker);
    assertThat(seen.bodyLength()).isEqualTo(body.length);
    assertThat(seen.bodySha256()).isEqualTo(FakeUpstreams.sha256(body));
    assertThat(seen.hasHeader("Content-Length")).isFalse();
    assertThat(seen.header("Transfer-Encoding")).isEqualTo("chunked");
  }

  /** Sends {@code body} with chunked transfer encoding (no Content-Length), over HTTP/1.1. */
  private HttpResponse<String> postChunked(String path, String marker, byte[] body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .header(FakeUpstreams.MARKER, marker)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void healthIsUpWithoutDependingOnUpstreams() {
    given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
  }
}
