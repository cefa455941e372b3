package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@QuarkusTest
@WithTestResource(SecuredUpstreams.class)
class AuthGatewayTest {

  private static final String PROBLEM_JSON = "application/problem+json";

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;
  @InjectTestIssuer TestIssuer issuer;

  @BeforeEach
  void signingKeysLoaded() {
    SecuredUpstreams.awaitSigningKeys(issuer);
  }

  /** The kinds of bearer token a client can present. */
  enum Token {
    NONE(i -> null),
    VALID(i -> i.token("alice", "customer").sign()),
    VALID_ADMIN(i -> i.token("root", "admin", "customer").sign()),
    EXPIRED(i -> i.token("alice", "customer").expiresIn(Duration.ofMinutes(-5)).sign()),
    WRONG_ISSUER(i -> i.token("alice").claim("iss", "https://evil.example/users").sign()),
    WRONG_AUDIENCE(i -> i.token("alice").claim("aud", "someone-else").sign()),
    NO_SUBJECT(i -> i.token("alice").withoutClaim("sub").sign()),
    ALG_NONE(i -> i.token("root", "admin").unsigned()),
    HS256_WITH_PUBLIC_KEY(i -> i.token("root", "admin").hs256WithPublicKey()),
    GARBAGE(i -> "not-a-jwt"),
    TAMPERED(i -> tamper(i.token("alice", "customer").sign())),
    UNKNOWN_KID(
        i -> i.createUnpublished("never-published").token("alice").kid("never-published").sign());

    final Function<TestIssuer, String> mint;

    Token(Function<TestIssuer, String> mint) {
      this.mint = mint;
    }

    boolean valid() {
      return this == VALID || this == VALID_ADMIN;
    }
  }

  static Stream<Arguments> matrix() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Token token : Token.values()) {
      cases.add(Arguments.of("/api/v1/open", token, 200));
      cases.add(Arguments.of("/api/v1/private", token, token.valid() ? 200 : 401));
      cases.add(
          Arguments.of(
              "/api/v1/admin",
              token,
              token == Token.VALID_ADMIN ? 200 : token == Token.VALID ? 403 : 401));
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} with {1} -> {2}")
  @MethodSource("matrix")
  void policyMatrix(String path, Token token, int status) {
    String marker = UUID.randomUUID().toString();
    RequestSpecification request = given().header(FakeUpstreams.MARKER, marker);
    String jwt = token.mint.apply(issuer);
    if (jwt != null) {
      request.header("Authorization", "Bearer " + jwt);
    }
    Response response = request.when().get(path);
    response.then().statusCode(status);
    if (status == 200) {
      FakeUpstreams.Seen seen = upstreams.only(marker);
      assertThat(seen.header("Authorization")).isEqualTo(jwt == null ? null : "Bearer " + jwt);
      if (token.valid()) {
        // Public routes too: a valid token sets the identity.
        assertThat(seen.header("X-Bazaar-Subject"))
            .isEqualTo(token == Token.VALID ? "alice" : "root");
        assertThat(seen.header("X-Bazaar-Roles"))
            .isEqualTo(token == Token.VALID ? "customer" : "admin,customer");
      } else {
        // An invalid token on a public route: forwarded, but without identity.
        assertThat(seen.hasHeader("X-Bazaar-Subject")).isFalse();
        assertThat(seen.hasHeader("X-Bazaar-Roles")).isFalse();
      }
      return;
    }
    response
        .then()
        .contentType(PROBLEM_JSON)
        .header("WWW-Authenticate", containsString("Bearer realm=\"bazaar\""))
        .body("status", equalTo(status))
        .body("instance", equalTo(path));
    if (status == 401) {
      response.then().body("type", equalTo("https://bazaar.dev/problems/unauthorized"));
      if (token != Token.NONE) {
        response.then().header("WWW-Authenticate", containsString("error=\"invalid_token\""));
      }
    } else {
      response
          .then()
          .body("type", equalTo("https://bazaar.dev/problems/forbidden"))
          .header("WWW-Authenticate", containsString("error=\"insufficient_scope\""));
    }
    assertThat(upstreams.heads(marker)).isEmpty();
  }

  @Test
  void catalogWritesNeedTheAdminRoleAtTheGatewayWhileReadsStayPublic() {
    String body = "{\"name\":\"Lamp\"}";
    String none = UUID.randomUUID().toString();
    given()
        .header(FakeUpstreams.MARKER, none)
        .contentType("application/json")
        .body(body)
        .when()
        .post("/api/v1/products")
        .then()
        .statusCode(401)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("https://bazaar.dev/problems/unauthorized"));
    String customer = UUID.randomUUID().toString();
    given()
        .header(FakeUpstreams.MARKER, customer)
        .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
        .contentType("application/json")
        .body(body)
        .when()
        .post("/api/v1/products")
        .then()
        .statusCode(403)
        .contentType(PROBLEM_JSON)
        .body("type", equalTo("https://bazaar.dev/problems/forbidden"));
    for (String method : java.util.List.of("PUT", "PATCH", "DELETE")) {
      given()
          .header(FakeUpstreams.MARKER, customer)
          .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
          .when()
          .request(method, "/api/v1/products/p-1")
          .then()
          .statusCode(403);
    }
    assertThat(upstreams.heads(none)).isEmpty();
    assertThat(upstreams.heads(customer)).isEmpty();

    String admin = UUID.randomUUID().toString();
    String token = issuer.token("root", "admin").sign();
    given()
        .header(FakeUpstreams.MARKER, admin)
        .header("Authorization", "Bearer " + token)
        .contentType("application/json")
        .body(body)
        .when()
        .post("/api/v1/products")
        .then()
        .statusCode(200)
        .body("upstream", equalTo("catalog"))
        .body("method", equalTo("POST"));
    FakeUpstreams.Seen seen = upstreams.only(admin);
    // Forwarded with the token, so that catalog checks the role again.
    assertThat(seen.header("Authorization")).isEqualTo("Bearer " + token);
    assertThat(seen.header("X-Bazaar-Roles")).isEqualTo("admin");
    assertThat(seen.bodyLength()).isEqualTo(body.length());

    // Reads need no token.
    given().when().get("/api/v1/products/p-1").then().statusCode(200);
  }

  @Test
  void rejectionsSayWhatWasWrong() {
    String expired = issuer.token("alice").expiresIn(Duration.ofMinutes(-5)).sign();
    given()
        .header("Authorization", "Bearer " + expired)
        .get("/api/v1/private")
        .then()
        .statusCode(401)
        .body("detail", equalTo("The token has expired."));
    given()
        .header("Authorization", "Bearer " + issuer.token("root").unsigned())
        .get("/api/v1/private")
        .then()
        .statusCode(401)
        .body("detail", equalTo("The token algorithm must be RS256, but was none."));
  }

  @Test
  void expiryWithinTheClockSkewIsAccepted() {
    String justExpired = issuer.token("alice").expiresIn(Duration.ofSeconds(-10)).sign();
    given()
        .header("Authorization", "Bearer " + justExpired)
        .get("/api/v1/private")
        .then()
        .statusCode(200);
  }

  @Test
  void spoofedIdentityHeadersNeverReachTheUpstream() {
    String marker = UUID.randomUUID().toString();
    spoofed(marker).get("/api/v1/open").then().statusCode(200);
    FakeUpstreams.Seen anonymous = upstreams.only(marker);
    for (String name :
        new String[] {
          "X-Bazaar-Subject",
          "X-Bazaar-Roles",
          "X-Bazaar-Anything",
          "X-User-Id",
          "X-Forwarded-User",
          "X-Remote-User"
        }) {
      assertThat(anonymous.hasHeader(name)).as(name).isFalse();
    }

    String verified = UUID.randomUUID().toString();
    spoofed(verified)
        .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
        .get("/api/v1/admin")
        .then()
        .statusCode(403);
    spoofed(verified)
        .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
        .get("/api/v1/private")
        .then()
        .statusCode(200);
    FakeUpstreams.Seen seen = upstreams.only(verified);
    assertThat(seen.headers().get("x-bazaar-subject")).containsExactly("alice");
    assertThat(seen.headers().get("x-bazaar-roles")).containsExactly("customer");
    assertThat(seen.hasHeader("X-User-Id")).isFalse();
  }

  private static RequestSpecification spoofed(String marker) {
    return given()
        .header(FakeUpstreams.MARKER, marker)
        .header("X-Bazaar-Subject", "root")
        .header("X-Bazaar-Roles", "admin")
        .header("X-Bazaar-Anything", "x")
        .header("X-User-Id", "root")
        .header("X-Forwarded-User", "root")
        .header("X-Remote-User", "root");
  }

  @Test
  void aRotatedKeyIsFetchedOnItsFirstTokenAndRefreshesAreRateLimited() {
    String kid = "rotated-" + UUID.randomUUID();
    String token = issuer.createUnpublished(kid).token("carol").kid(kid).sign();
    // Not yet in the JWKS: refused, however often it is tried, with at most one fetch per second.
    int before = issuer.jwksFetches();
    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      given()
          .header("Authorization", "Bearer " + token)
          .get("/api/v1/private")
          .then()
          .statusCode(401)
          .body("detail", equalTo("The token is signed by an unknown key."));
    }
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    assertThat(issuer.jwksFetches() - before).isLessThanOrEqualTo((int) seconds + 1);

    issuer.publish(kid);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                given()
                    .header("Authorization", "Bearer " + token)
                    .get("/api/v1/private")
                    .then()
                    .statusCode(200));
  }

  @ParameterizedTest(name = "{0} {1} without a token -> {2}")
  @org.junit.jupiter.params.provider.CsvSource({
    "POST, /api/v1/users, 200",
    "GET, /api/v1/users/me, 401",
    "GET, /api/v1/users/me/addresses, 401",
    "POST, /api/v1/auth/token, 200",
    "GET, /api/v1/auth/jwks, 200",
    "GET, /api/v1/products/42, 200",
    "GET, /api/v1/orders, 401",
    "POST, /api/v1/orders, 401",
    "GET, /api/v1/notifications, 401"
  })
  void defaultRoutePolicies(String method, String path, int status) {
    given().when().request(method, path).then().statusCode(status);
  }

  @Test
  void defaultProtectedRoutesAcceptAValidToken() {
    String token = issuer.token(UUID.randomUUID().toString(), "customer").sign();
    for (String path :
        new String[] {"/api/v1/users/me", "/api/v1/orders", "/api/v1/notifications"}) {
      given().header("Authorization", "Bearer " + token).get(path).then().statusCode(200);
    }
  }

  private static String tamper(String jwt) {
    String[] parts = jwt.split("\\.");
    String payload =
        TestIssuer.b64(
            new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                .replace("\"alice\"", "\"root\""));
    return parts[0] + "." + payload + "." + parts[2];
  }
}
