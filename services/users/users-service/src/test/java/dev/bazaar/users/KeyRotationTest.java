package dev.bazaar.users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bazaar.testing.InfraResource;
import dev.bazaar.users.tokens.TokenIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Key rotation with short lifetimes: the pre-published key signs, the old one keeps verifying its
 * tokens, and once they have expired it is gone from the JWKS.
 */
@QuarkusTest
@TestProfile(KeyRotationTest.ShortLived.class)
@WithTestResource(
    value = InfraResource.class,
    initArgs = @ResourceArg(name = "jwks", value = "self"))
class KeyRotationTest {

  /**
   * Tokens live 3 s; a retired key is kept 1 s longer, instances reload every second, the JWKS is
   * cached for a second and a key is published 2 s before it signs.
   */
  public static class ShortLived implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "bazaar.users.token-ttl", "3s",
          "bazaar.users.keys.retirement-margin", "1s",
          "bazaar.users.keys.reload-interval", "1s",
          "bazaar.users.keys.jwks-max-age", "1s",
          "bazaar.users.keys.pre-publication", "2s");
    }
  }

  @Inject TokenIssuer issuer;

  private static List<String> publishedKids() {
    return given().get("/api/v1/auth/jwks").then().statusCode(200).extract().path("keys.kid");
  }

  @Test
  void aRotatedKeyVerifiesUntilItsTokensExpireThenIsGone() {
    String email = Customers.registered();
    String before = Customers.login(email);
    String oldKid = Jwts.header(before).get("kid").asText();
    assertThat(given().get("/api/v1/auth/jwks").header("Cache-Control")).contains("max-age=1");

    String admin = issuer.issue(AbuseLimitsTest.admin()).value();
    Map<String, Object> rotation =
        given()
            .auth()
            .oauth2(admin)
            .post("/api/v1/admin/keys/rotate")
            .then()
            .statusCode(200)
            .extract()
            .as(Map.class);
    String newKid = (String) rotation.get("kid");
    String nextKid = (String) rotation.get("next");
    assertThat(newKid).isNotEqualTo(oldKid);
    assertThat((List<String>) rotation.get("retired")).contains(oldKid);

    // The new key signs (within its pre-publication of 2 s); the old one is still published and
    // its token still verifies.
    assertThat(publishedKids()).contains(oldKid, newKid, nextKid);
    given().auth().oauth2(before).get("/api/v1/users/me").then().statusCode(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Jwts.header(Customers.login(email)).get("kid").asText().equals(newKid));

    // Token lifetime (3 s) + margin (1 s) + a reload (1 s) later, the old key is gone.
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !publishedKids().contains(oldKid));
    assertThat(publishedKids()).containsExactlyInAnyOrder(newKid, nextKid);
  }
}
