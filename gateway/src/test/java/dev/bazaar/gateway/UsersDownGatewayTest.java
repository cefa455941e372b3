package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * A gateway that cannot fetch the signing keys (users down while the gateway starts, as the chaos
 * bench found) must not call a valid token invalid: a 401 makes clients drop the customer's
 * session, where a 503 with {@code Retry-After} makes them try again once users is back.
 */
@QuarkusTest
@WithTestResource(UsersDownUpstreams.class)
class UsersDownGatewayTest {

  @InjectTestIssuer TestIssuer issuer;

  @Test
  void aTokenThatCannotBeCheckedYetGets503WithRetryAfterNot401() {
    given()
        .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
        .get("/api/v1/private")
        .then()
        .statusCode(503)
        .header("Retry-After", "1")
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/upstream-unavailable"))
        .body("detail", containsString("cannot be fetched"));
  }

  @Test
  void aPublicRouteStillAnswersWithoutIdentity() {
    given()
        .header("Authorization", "Bearer " + issuer.token("alice", "customer").sign())
        .get("/api/v1/open")
        .then()
        .statusCode(200);
  }

  @Test
  void whatIsInvalidWhateverTheKeysStaysA401() {
    given()
        .header("Authorization", "Bearer not-a-jwt")
        .get("/api/v1/private")
        .then()
        .statusCode(401);
  }
}
