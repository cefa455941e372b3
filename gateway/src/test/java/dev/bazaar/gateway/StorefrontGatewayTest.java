package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pages and the browser session at the gateway: the storefront shell and its assets with the
 * security headers, the console only for an admin's session, the session cookie standing in for the
 * bearer token (and refused for cross-site writes), and the gateway's admin views.
 */
@QuarkusTest
@WithTestResource(SecuredUpstreams.class)
class StorefrontGatewayTest {

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;
  @InjectTestIssuer TestIssuer issuer;

  @BeforeEach
  void signingKeysLoaded() {
    SecuredUpstreams.awaitSigningKeys(issuer);
  }

  private String cookie(String subject, String... roles) {
    return "bazaar_session=" + issuer.token(subject, roles).sign();
  }

  @Test
  void everyStorefrontPathIsTheShellWithTheSecurityHeaders() {
    for (String path : new String[] {"/", "/products/p-1", "/cart", "/orders/o-1", "/login"}) {
      given()
          .get(path)
          .then()
          .statusCode(200)
          .contentType(startsWith("text/html"))
          .header("Content-Security-Policy", containsString("script-src 'self'"))
          .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
          .header("X-Content-Type-Options", "nosniff")
          .header("X-Frame-Options", "DENY")
          .header("Referrer-Policy", "same-origin")
          .body(containsString("/assets/app.js"));
    }
  }

  @Test
  void assetsAreRevalidatedByEtagAndUnknownPathsStayProblems() {
    Response js = given().get("/assets/app.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.contentType()).startsWith("text/javascript");
    String etag = js.header("ETag");
    given().header("If-None-Match", etag).get("/assets/app.js").then().statusCode(304);
    given()
        .get("/assets/nothing.js")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given().get("/no-such-page").then().statusCode(404).contentType("application/problem+json");
  }

  @Test
  void theConsoleIsOnlyForAnAdminsSession() {
    given()
        .redirects()
        .follow(false)
        .get("/console")
        .then()
        .statusCode(303)
        .header("Location", "/login?next=/console");
    given()
        .header("Cookie", cookie("carl", "customer"))
        .get("/console")
        .then()
        .statusCode(403)
        .body(containsString("for administrators"))
        .body(org.hamcrest.Matchers.not(containsString("console.js")));
    given()
        .header("Cookie", "bazaar_session=not-a-token")
        .redirects()
        .follow(false)
        .get("/console")
        .then()
        .statusCode(303);
    given()
        .header("Cookie", cookie("root", "admin", "customer"))
        .get("/console")
        .then()
        .statusCode(200)
        .body(containsString("/assets/console.js"));
  }

  @Test
  void theSessionCookieBecomesTheBearerTokenAndIsNotForwarded() {
    String marker = UUID.randomUUID().toString();
    String session = cookie("alice", "customer");
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Cookie", "theme=dark; " + session)
        .get("/api/v1/private/thing")
        .then()
        .statusCode(200);
    FakeUpstreams.Seen seen = upstreams.only(marker);
    assertThat(seen.header("Authorization"))
        .isEqualTo("Bearer " + session.substring(session.indexOf('=') + 1));
    assertThat(seen.header("Cookie")).isEqualTo("theme=dark");
    given().get("/api/v1/private/thing").then().statusCode(401);
  }

  @Test
  void aWriteWithTheCookieMustComeFromOurOwnPages() {
    String session = cookie("alice", "customer");
    String marker = UUID.randomUUID().toString();
    // No fetch metadata and no Origin: could be a form on another site.
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Cookie", session)
        .post("/api/v1/private/thing")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Cookie", session)
        .header("Sec-Fetch-Site", "cross-site")
        .post("/api/v1/private/thing")
        .then()
        .statusCode(403);
    given()
        .header(FakeUpstreams.MARKER, marker)
        .header("Cookie", session)
        .header("Origin", "https://evil.example")
        .post("/api/v1/private/thing")
        .then()
        .statusCode(403);
    assertThat(upstreams.heads(marker)).isEmpty();

    given()
        .header("Cookie", session)
        .header("Sec-Fetch-Site", "same-origin")
        .post("/api/v1/private/thing")
        .then()
        .statusCode(200);
    // A bearer header is not a cookie: no cross-site check applies to it.
    given()
        .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
        .post("/api/v1/private/thing")
        .then()
        .statusCode(200);
  }

  @Test
  void theSessionSaysWhoIsLoggedInAndLogoutClearsTheCookie() {
    given()
        .header("Cookie", cookie("root", "admin", "customer"))
        .get("/api/v1/session")
        .then()
        .statusCode(200)
        .body("subject", equalTo("root"))
        .body("admin", equalTo(true));
    given().get("/api/v1/session").then().statusCode(401);
    given()
        .header("Cookie", cookie("alice", "customer"))
        .header("Sec-Fetch-Site", "same-origin")
        .delete("/api/v1/session")
        .then()
        .statusCode(204)
        .header("Set-Cookie", containsString("Max-Age=0"))
        .header("Set-Cookie", containsString("HttpOnly"));
  }

  @Test
  void theGatewayAdminViewsNeedTheAdminRole() {
    given().get("/api/v1/admin/gateway/topology").then().statusCode(401);
    given()
        .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
        .get("/api/v1/admin/gateway/topology")
        .then()
        .statusCode(403);
    String admin = "Bearer " + issuer.token("root", "admin").sign();
    given()
        .header("Authorization", admin)
        .get("/api/v1/admin/gateway/topology")
        .then()
        .statusCode(200)
        .body("upstreams.name", org.hamcrest.Matchers.hasItem("users"))
        .body("gateway.pid", org.hamcrest.Matchers.greaterThan(0));
    given()
        .header("Authorization", admin)
        .get("/api/v1/admin/gateway/metrics")
        .then()
        .statusCode(200)
        .body("windowSeconds", equalTo(900));
  }
}
