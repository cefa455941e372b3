package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's security settings as shipped (SecuredUpstreams keeps the default policies), attacked
 * one by one: missing hardening headers, anonymous metrics, internal Locations, registration
 * floods, login-path spellings that dodge the login limit, tokens of the wrong type, and keys that
 * the issuer withdrew.
 */
@QuarkusTest
@WithTestResource(SecuredUpstreams.class)
class SecurityEdgeTest {

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;
  @InjectTestIssuer TestIssuer issuer;

  @io.quarkus.test.common.http.TestHTTPResource("/")
  java.net.URI base;

  @BeforeEach
  void signingKeysLoaded() {
    SecuredUpstreams.awaitSigningKeys(issuer);
  }

  @Test
  void everyResponseCarriesTheHardeningHeadersAndNoHstsOverPlainHttp() {
    for (Response response :
        List.of(
            given().get("/api/v1/open/x"),
            given().get("/api/v1/no-such-route"),
            given().get("/api/v1/private"),
            given().get("/q/health/live"),
            given().get("/nowhere"))) {
      assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
      assertThat(response.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(response.header("Content-Security-Policy")).isEqualTo("frame-ancestors 'none'");
      assertThat(response.header("Strict-Transport-Security")).isNull();
    }
  }

  @Test
  void metricsAreForAdminsOnly() {
    given()
        .get("/q/metrics")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .header("WWW-Authenticate", startsWith("Bearer"));
    given()
        .header("Authorization", "Bearer " + issuer.token("eve", "customer").sign())
        .get("/q/metrics")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given().header("Authorization", "Bearer not-a-token").get("/q/metrics").then().statusCode(401);
    given()
        .header("Authorization", "Bearer " + issuer.token("ops", "admin").sign())
        .get("/q/metrics")
        .then()
        .statusCode(200);
    // Probes stay open.
    given().get("/q/health/live").then().statusCode(200);
  }

  @Test
  void keyRotationIsForAdminsOnly() {
    String marker = UUID.randomUUID().toString();
    given()
        .header(FakeUpstreams.MARKER, marker)
        .post("/api/v1/admin/keys/rotate")
        .then()
        .statusCode(401);
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Authorization", "Bearer " + issuer.token("eve", "customer").sign())
        .post("/api/v1/admin/keys/rotate")
        .then()
        .statusCode(403);
    assertThat(upstreams.heads(marker)).isEmpty();
  }

  @Test
  void anInternalLocationIsCutToAPathAndTheGatewaysOwnIsKept() {
    given()
        .header("X-Fake-Status", "201")
        .header("X-Fake-Location", "http://127.0.0.1:8081/api/v1/users/42")
        .get("/api/v1/open/x")
        .then()
        .statusCode(201)
        .header("Location", "/api/v1/users/42");
    given()
        .header("X-Fake-Status", "201")
        .header("X-Fake-Location", "/api/v1/users/43")
        .get("/api/v1/open/x")
        .then()
        .header("Location", "/api/v1/users/43");
  }

  @Test
  void registrationsFromOneIpAreLimitedToTenAMinuteAndOnlyPostsCount() {
    String marker = UUID.randomUUID().toString();
    int passed = 0;
    int limited = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      Response response =
          given()
              .header(FakeUpstreams.MARKER, marker)
              .contentType("application/json")
              .body("{}")
              .post("/api/v1/users");
      if (response.statusCode() == 429) {
        limited++;
        assertThat(response.header("Retry-After")).isNotNull();
        assertThat(response.header("RateLimit-Policy")).startsWith("\"register\";q=10;w=60");
      } else {
        passed++;
      }
    }
    // 10 at once, then one every 6 s: the loop may take some seconds on a busy machine.
    long refilled = Duration.ofNanos(System.nanoTime() - start).toSeconds() / 6 + 1;
    assertThat(passed).isBetween(10, (int) (10 + refilled));
    assertThat(limited).isEqualTo(200 - passed);
    assertThat(upstreams.completed(marker)).hasSize(passed);
    // Reads of the same prefix are not registrations.
    for (int i = 0; i < 20; i++) {
      given().get("/api/v1/users/" + i).then().statusCode(200);
    }
  }

  @Test
  void everySpellingOfTheLoginPathFallsUnderTheLoginLimit() throws Exception {
    // Raw requests: an HTTP client library would re-encode the ';' and the '//'.
    for (String path :
        List.of(
            "/api/v1/auth/token",
            "/api/v1/auth/token;x=1",
            "/api/v1/auth/token/",
            "/api/v1//auth/token",
            "/api/v1/AUTH/Token",
            "/api/v1/auth;a=b/token")) {
      RawHttp.Exchange exchange =
          RawHttp.send(
              base,
              "POST "
                  + path
                  + " HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
      assertThat(exchange.response()).as(path).contains("RateLimit-Policy: \"login\";");
    }
  }

  @Test
  void aTokenOfAnotherTypeIsRefused() {
    given()
        .header("Authorization", "Bearer " + issuer.token("eve").typ("id+jwt").sign())
        .get("/api/v1/private")
        .then()
        .statusCode(401)
        .body("detail", equalTo("The token is not an access token (typ)."));
    given()
        .header("Authorization", "Bearer " + issuer.token("eve").typ(null).sign())
        .get("/api/v1/private")
        .then()
        .statusCode(401);
  }

  @Test
  void aWithdrawnKeyStopsWorkingWithinTheRefreshBound() {
    String kid = "rotating-" + UUID.randomUUID();
    issuer.publish(kid);
    String token = issuer.token("alice").kid(kid).sign();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                given()
                        .header("Authorization", "Bearer " + token)
                        .get("/api/v1/private")
                        .statusCode()
                    == 200);

    issuer.withdraw(kid);
    long start = System.nanoTime();
    // The token is cached as verified; only the scheduled refresh (every 2 s here, at most 5 min
    // as shipped) can tell that its key is gone.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                given()
                        .header("Authorization", "Bearer " + token)
                        .get("/api/v1/private")
                        .statusCode()
                    == 401);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
