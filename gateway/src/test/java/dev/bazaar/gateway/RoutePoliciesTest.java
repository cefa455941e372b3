package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Per-route policies over the fake upstreams: method matching, retries, cache revalidation and
 * invalidation, and buffered fetches that count for the circuit breaker.
 */
@QuarkusTest
@WithTestResource(FakeUpstreams.class)
class RoutePoliciesTest {

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;

  private static String marker() {
    return UUID.randomUUID().toString();
  }

  private Response get(String marker, String path, String ifNoneMatch) {
    var request = given().header(FakeUpstreams.MARKER, marker);
    if (ifNoneMatch != null) {
      request.header("If-None-Match", ifNoneMatch);
    }
    return request.when().get(path).then().extract().response();
  }

  // --- method matching ---

  @Test
  void readsAndWritesOfOnePrefixGoWhereTheirMethodsSay() {
    given().when().get("/api/v1/split/x").then().statusCode(200).body("upstream", equalTo("users"));
    given().when().head("/api/v1/split/x").then().statusCode(200).header("X-Upstream", "users");
    given()
        .body("{}")
        .contentType("application/json")
        .when()
        .post("/api/v1/split/x")
        .then()
        .statusCode(200)
        .body("upstream", equalTo("orders"));
  }

  @Test
  void aMethodNoRouteServesIs405WithAllow() {
    String marker = marker();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .when()
        .delete("/api/v1/split/x")
        .then()
        .statusCode(405)
        .contentType("application/problem+json")
        .header("Allow", "GET, HEAD, POST")
        .body("type", equalTo("https://bazaar.dev/problems/method-not-allowed"));
    assertThat(upstreams.heads(marker)).isEmpty();
  }

  // --- retries ---

  @Test
  void theDefaultRetryPolicyTakesAnotherInstanceAfterARefusedConnect() {
    for (int i = 0; i < 4; i++) {
      given().when().get("/api/v1/retry-default/x").then().statusCode(200);
      // Nothing was sent on a refused connect, so even a POST with a body is retried.
      String marker = marker();
      given()
          .header(FakeUpstreams.MARKER, marker)
          .body("payload-" + i)
          .when()
          .post("/api/v1/retry-default/x")
          .then()
          .statusCode(200)
          .body("bodyLength", equalTo(("payload-" + i).length()));
      assertThat(upstreams.completed(marker)).hasSize(1);
    }
  }

  @Test
  void retryNoneAnswersTheFirstFailure() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Response response = given().when().get("/api/v1/retry-none/x");
      statuses.add(response.statusCode());
      if (response.statusCode() == 503) {
        response
            .then()
            .contentType("application/problem+json")
            .body("type", equalTo("https://bazaar.dev/problems/upstream-unavailable"));
      }
    }
    // Round-robin over [dead, live]: every second request meets the dead instance first.
    assertThat(statuses).containsExactlyInAnyOrder(200, 200, 503, 503);
  }

  @Test
  void cacheFetchesAreBalancedAndRetriedToo() {
    for (int i = 0; i < 4; i++) {
      given()
          .when()
          .get("/api/v1/retry-cached/x?i=" + i)
          .then()
          .statusCode(200)
          .header("X-Cache", "MISS");
    }
  }

  // --- cache freshness ---

  @Test
  void withTtlZeroEveryRequestRevalidatesAndStaleDataIsNeverServed() {
    String marker = marker();
    String path = "/api/v1/versioned/p-" + marker;

    Response first = get(marker, path, null);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.header("X-Cache")).isEqualTo("MISS");
    assertThat(first.header("ETag")).isEqualTo("\"v1\"");
    assertThat(first.jsonPath().getInt("version")).isEqualTo(1);

    // Unchanged: the upstream is asked with the stored ETag, answers 304, the body is the stored.
    Response second = get(marker, path, null);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.header("X-Cache")).isEqualTo("REVALIDATED");
    assertThat(second.asString()).isEqualTo(first.asString());
    List<FakeUpstreams.Seen> seen = upstreams.heads(marker);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).hasHeader("If-None-Match")).isFalse();
    assertThat(seen.get(1).header("If-None-Match")).isEqualTo("\"v1\"");

    // A client holding the current ETag gets 304 from the gateway after the upstream's 304.
    Response notModified = get(marker, path, "\"v1\"");
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.header("ETag")).isEqualTo("\"v1\"");
    assertThat(notModified.asString()).isEmpty();

    // The catalog changes behind the gateway's back (an order took stock): the next read sees it.
    upstreams.bump(path);
    Response third = get(marker, path, null);
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.header("X-Cache")).isEqualTo("MISS");
    assertThat(third.header("ETag")).isEqualTo("\"v2\"");
    assertThat(third.jsonPath().getInt("version")).isEqualTo(2);
    // And the client's old ETag no longer matches.
    Response changed = get(marker, path, "\"v1\"");
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.jsonPath().getInt("version")).isEqualTo(2);
    assertThat(upstreams.heads(marker)).hasSize(5);

    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    assertThat(metrics)
        .containsPattern(
            "bazaar_gateway_cache_requests_total\\{[^}]*result=\"revalidated\"[^}]*"
                + "route=\"versioned\"[^}]*\\} [1-9]");
  }

  @Test
  void anUpstreamWithoutEtagsGetsAComputedOneAndFullFetches() {
    String marker = marker();
    String path = "/api/v1/versioned/plain-" + marker;
    var request = given().header(FakeUpstreams.MARKER, marker).header("X-Fake-Etag", "none");
    Response first = request.when().get(path).then().extract().response();
    assertThat(first.statusCode()).isEqualTo(200);
    String etag = first.header("ETag");
    assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("X-Fake-Etag", "none")
        .header("If-None-Match", etag)
        .when()
        .get(path)
        .then()
        .statusCode(304)
        .header("ETag", etag)
        .header("X-Cache", "MISS");
    upstreams.bump(path);
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("X-Fake-Etag", "none")
        .header("If-None-Match", etag)
        .when()
        .get(path)
        .then()
        .statusCode(200)
        .body("version", equalTo(2));
    // Nothing to revalidate with: the upstream was asked in full every time.
    assertThat(upstreams.heads(marker)).hasSize(3).noneMatch(s -> s.hasHeader("If-None-Match"));
  }

  @Test
  void aSuccessfulWriteDropsTheCachedEntriesOfItsPrefixAFailedOneDoesNot() {
    String marker = marker();
    String path = "/api/v1/micro/p-" + marker;
    String sibling = "/api/v1/micro/q-" + marker;
    assertThat(get(marker, path, null).header("X-Cache")).isEqualTo("MISS");
    assertThat(get(marker, sibling, null).header("X-Cache")).isEqualTo("MISS");
    Response hit = get(marker, path, null);
    assertThat(hit.header("X-Cache")).isEqualTo("HIT");
    assertThat(hit.jsonPath().getInt("version")).isEqualTo(1);

    // A rejected write changes nothing, so the entries stay.
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("X-Fake-Status", "409")
        .when()
        .put(path)
        .then()
        .statusCode(409);
    assertThat(get(marker, path, null).header("X-Cache")).isEqualTo("HIT");

    // A successful write through the gateway (on the write route of the same prefix) drops every
    // entry below the prefix, so the next reads see the change at once despite the hour-long TTL.
    given().header(FakeUpstreams.MARKER, marker).when().put(path).then().statusCode(200);
    Response after = get(marker, path, null);
    assertThat(after.header("X-Cache")).isEqualTo("MISS");
    assertThat(after.jsonPath().getInt("version")).isEqualTo(2);
    assertThat(get(marker, sibling, null).header("X-Cache")).isEqualTo("MISS");
  }

  // --- buffered fetches and the breaker ---

  @Test
  void cacheFetchesCountForTheCircuitBreakerOfTheirUpstream() {
    String marker = marker();
    for (int i = 0; i < 4; i++) {
      given()
          .header(FakeUpstreams.MARKER, marker)
          .header("X-Fake-Status", "500")
          .when()
          .get("/api/v1/fragile-cached/x?i=" + i)
          .then()
          .statusCode(500);
    }
    // Four failures in four: the breaker is open for cache fetches and proxied requests alike.
    given()
        .header(FakeUpstreams.MARKER, marker)
        .when()
        .get("/api/v1/fragile-cached/y")
        .then()
        .statusCode(503)
        .body("type", equalTo("https://bazaar.dev/problems/upstream-unavailable"))
        .body(
            "detail",
            equalTo(
                "Upstream 'fragile' is failing; the gateway stopped calling it for a moment (circuit"
                    + " open)."));
    given()
        .header(FakeUpstreams.MARKER, marker)
        .when()
        .get("/api/v1/fragile/z")
        .then()
        .statusCode(503);
    assertThat(upstreams.heads(marker)).hasSize(4);
  }
}
