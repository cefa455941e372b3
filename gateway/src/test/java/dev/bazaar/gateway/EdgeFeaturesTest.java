package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Caching, CORS, merged API docs, metrics and the slow-client deadline, over the fake upstreams.
 */
@QuarkusTest
@WithTestResource(FakeUpstreams.class)
class EdgeFeaturesTest {

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;

  @TestHTTPResource("/")
  URI base;

  private static String marker() {
    return UUID.randomUUID().toString();
  }

  @Test
  void twoIdenticalAnonymousGetsWithinTheTtlReachTheUpstreamOnceAndRevalidateWith304() {
    String marker = marker();
    String path = "/api/v1/cached/items?q=" + marker;
    Response first =
        given().header(FakeUpstreams.MARKER, marker).when().get(path).then().extract().response();
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.header("X-Cache")).isEqualTo("MISS");
    String etag = first.header("ETag");
    assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");

    Response second =
        given().header(FakeUpstreams.MARKER, marker).when().get(path).then().extract().response();
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.header("X-Cache")).isEqualTo("HIT");
    assertThat(second.header("ETag")).isEqualTo(etag);
    assertThat(second.asString()).isEqualTo(first.asString());
    assertThat(second.header("X-Request-Id")).isNotEqualTo(first.header("X-Request-Id"));

    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("If-None-Match", etag)
        .when()
        .get(path)
        .then()
        .statusCode(304)
        .header("ETag", etag)
        .body(equalTo(""));
    given()
        .header("If-None-Match", "\"something-else\"")
        .when()
        .get(path)
        .then()
        .statusCode(200)
        .header("ETag", etag);
    assertThat(upstreams.completed(marker)).hasSize(1);

    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .containsPattern(
            "bazaar_gateway_cache_requests_total\\{[^}]*result=\"hit\"[^}]*route=\"cached\"[^}]*\\}"
                + " [1-9]");
  }

  @Test
  void requestsWithAuthorizationAreNeverServedFromTheCache() {
    String marker = marker();
    String path = "/api/v1/cached/mine?q=" + marker;
    for (int i = 0; i < 2; i++) {
      given()
          .header(FakeUpstreams.MARKER, marker)
          .header("Authorization", "Bearer x")
          .when()
          .get(path)
          .then()
          .statusCode(200)
          .header("X-Cache", nullValue());
    }
    assertThat(upstreams.completed(marker)).hasSize(2);
  }

  @Test
  void upstreamErrorsAreRelayedAndNotCached() {
    String marker = marker();
    String path = "/api/v1/cached/broken?q=" + marker;
    for (int i = 0; i < 2; i++) {
      given()
          .header(FakeUpstreams.MARKER, marker)
          .header("X-Fake-Status", "500")
          .when()
          .get(path)
          .then()
          .statusCode(500);
    }
    assertThat(upstreams.completed(marker)).hasSize(2);
  }

  @Test
  void corsPreflightIsAnsweredByTheGatewayForAnAllowedOrigin() {
    String marker = marker();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Origin", "https://shop.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
        .when()
        .options("/api/v1/orders")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", "https://shop.example")
        .header("Access-Control-Allow-Methods", containsString("POST"))
        .header("Access-Control-Allow-Headers", containsString("Idempotency-Key"));
    assertThat(upstreams.heads(marker)).isEmpty();
  }

  @Test
  void corsHeadersAreOnTheActualProxiedResponse() {
    given()
        .header("Origin", "https://shop.example")
        .when()
        .get("/api/v1/users/me")
        .then()
        .statusCode(200)
        .header("Access-Control-Allow-Origin", "https://shop.example")
        .header("Access-Control-Expose-Headers", containsString("X-Request-Id"));
    given()
        .header("Origin", "https://evil.example")
        .when()
        .get("/api/v1/users/me")
        .then()
        .header("Access-Control-Allow-Origin", not(equalTo("https://evil.example")));
  }

  @Test
  void apiDocsMergeTheServicesDocumentsAndRenameCollidingComponents() {
    JsonObject doc =
        new JsonObject(
            given()
                .when()
                .get("/api/docs/openapi.json")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .asString());
    JsonObject paths = doc.getJsonObject("paths");
    assertThat(paths.fieldNames()).contains("/api/v1/users/me", "/api/v1/products");
    assertThat(paths.fieldNames()).doesNotContain("/q/internal");
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    assertThat(schemas.fieldNames()).contains("Error", "Product");
    // Each service's Error survives; whichever came second is prefixed with its service name.
    assertThat(schemas.fieldNames()).containsAnyOf("catalog_Error", "users_Error");
    // The services' three, and what the gateway adds: the problem schema and its order details.
    assertThat(schemas.fieldNames())
        .containsExactlyInAnyOrder(
            "Error",
            "Product",
            schemas.containsKey("catalog_Error") ? "catalog_Error" : "users_Error",
            "Problem",
            "OrderDetails");
    // The label is the services' own (SmallRye emits 3.1), and the edge's answers are documented.
    assertThat(doc.getString("openapi")).isEqualTo("3.1.0");
    assertThat(doc.getJsonObject("info").getJsonObject("license").getString("identifier"))
        .isEqualTo("Apache-2.0");
    JsonObject listProducts = paths.getJsonObject("/api/v1/products").getJsonObject("get");
    assertThat(listProducts.getJsonObject("responses").fieldNames())
        .contains("200", "404", "429", "502", "503", "504");
    assertThat(
            listProducts
                .getJsonObject("responses")
                .getJsonObject("429")
                .getJsonObject("headers")
                .fieldNames())
        .contains("Retry-After", "RateLimit", "RateLimit-Policy");
    assertThat(paths.fieldNames())
        .contains("/api/v1/orders/{id}/details", "/api/v1/orders/{id}/events");
    String products = paths.getJsonObject("/api/v1/products").encode();
    String productSchema = schemas.getJsonObject("Product").encode();
    if (schemas.containsKey("catalog_Error")) {
      assertThat(products).contains("#/components/schemas/catalog_Error");
      assertThat(productSchema).contains("#/components/schemas/catalog_Error");
    }
    assertThat(doc.getJsonArray("x-bazaar-sources").encode())
        .contains("\"service\":\"orders\",\"status\":\"unavailable\"");
  }

  @Test
  void apiDocsServeTheAsyncApiDocumentOfTheMessages() {
    JsonObject doc =
        new JsonObject(
            given()
                .when()
                .get("/api/docs/asyncapi.json")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .asString());
    assertThat(doc.getString("asyncapi")).isEqualTo("3.0.0");
    assertThat(doc.getJsonObject("components").getJsonObject("messages").fieldNames())
        .contains("OrderPlaced", "ReserveStock", "PaymentAuthorized", "UserRegistered");
  }

  @Test
  void apiDocsServeSwaggerUi() {
    given()
        .when()
        .get("/api/docs")
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .body(containsString("/api/docs/ui/swagger-ui-bundle.js"))
        .body(containsString("/api/docs/openapi.json"));
    given()
        .when()
        .get("/api/docs/ui/swagger-ui-bundle.js")
        .then()
        .statusCode(200)
        .contentType(containsString("javascript"));
    given().when().get("/api/docs/ui/sub/swagger-ui.css").then().statusCode(404);
    given().when().get("/api/docs/ui/nope.js").then().statusCode(404);
  }

  @Test
  void metricsCountRequestsPerRouteAndStatusClass() {
    for (int i = 0; i < 3; i++) {
      given().when().get("/api/v1/notifications").then().statusCode(200);
    }
    given()
        .header("X-Fake-Status", "404")
        .when()
        .get("/api/v1/notifications/x")
        .then()
        .statusCode(404);
    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .containsPattern(
            "bazaar_gateway_requests_total\\{route=\"notifications\",status=\"2xx\"\\} [3-9]");
    assertThat(metrics)
        .containsPattern(
            "bazaar_gateway_requests_total\\{route=\"notifications\",status=\"4xx\"\\} [1-9]");
    assertThat(metrics)
        .contains("bazaar_gateway_request_duration_seconds_bucket{route=\"notifications\"");
    // Every upstream's breaker is published; the healthy ones are closed (0).
    assertThat(metrics)
        .containsPattern("bazaar_gateway_breaker_state\\{upstream=\"notifications\"\\} 0");
    // Per-path meters of Quarkus' own binder would explode with ids; they are off for /api.
    assertThat(metrics).doesNotContain("uri=\"/api/v1/notifications");
  }

  @Test
  void aClientSendingOneHeaderBytePerSecondIsCutOffAtTheDeadline() throws IOException {
    byte[] head =
        "GET /api/v1/users HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    long start = System.nanoTime();
    long closedAfterMillis = -1;
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < head.length && closedAfterMillis < 0; i++) {
        try {
          out.write(head[i]);
          out.flush();
          if (in.read() == -1) {
            closedAfterMillis = (System.nanoTime() - start) / 1_000_000;
          }
        } catch (SocketTimeoutException stillOpen) {
          // One byte per second: the read waited a second for an answer that did not come.
        } catch (IOException reset) {
          closedAfterMillis = (System.nanoTime() - start) / 1_000_000;
        }
      }
    }
    // The test profile's deadline is 2 s; without it the idle timeout (60 s) never fires here.
    assertThat(closedAfterMillis).isBetween(1_500L, 4_500L);
  }
}
