package dev.bazaar.users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bazaar.testing.InfraResource;
import dev.bazaar.users.tokens.SigningKeys;
import dev.bazaar.users.tokens.TokenIssuer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Keys are published before they sign: the pre-published next key is in the JWKS but signs nothing;
 * a rotation switches to it only once it has been published for the pre-publication time (3 s
 * here); then users itself, whose SmallRye JWT reads this JWKS (cached for the 1 s max-age),
 * accepts its tokens at once.
 */
@QuarkusTest
@TestProfile(KeyPrePublicationTest.FastRefresh.class)
@WithTestResource(
    value = InfraResource.class,
    initArgs = @ResourceArg(name = "jwks", value = "self"))
class KeyPrePublicationTest {

  static final Duration PRE_PUBLICATION = Duration.ofSeconds(3);

  /** Instances reload every second, verifiers keep the JWKS for a second, keys wait 3 s. */
  public static class FastRefresh implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "bazaar.users.keys.reload-interval", "1s",
          "bazaar.users.keys.jwks-max-age", "1s",
          "bazaar.users.keys.pre-publication", PRE_PUBLICATION.toSeconds() + "s");
    }
  }

  @Inject TokenIssuer issuer;
  @Inject SigningKeys keys;
  @Inject DataSource dataSource;

  private static String kid(String token) {
    return Jwts.header(token).get("kid").asText();
  }

  private static List<String> publishedKids() {
    return given().get("/api/v1/auth/jwks").then().statusCode(200).extract().path("keys.kid");
  }

  private Map<String, Object> rotate() {
    return given()
        .auth()
        .oauth2(issuer.issue(AbuseLimitsTest.admin()).value())
        .post("/api/v1/admin/keys/rotate")
        .then()
        .statusCode(200)
        .extract()
        .as(Map.class);
  }

  private Instant publishedAt(String kid) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT created_at FROM signing_keys WHERE kid = ?")) {
      ps.setString(1, kid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("key %s is stored", kid).isTrue();
        return rs.getTimestamp(1).toInstant();
      }
    }
  }

  /**
   * Logs in until a token of {@code kid} comes back; checks that every earlier one was signed by
   * another key and that the first of {@code kid} came no earlier than {@code signsFrom}.
   */
  private String firstTokenOf(String email, String kid, Instant signsFrom) {
    AtomicReference<String> token = new AtomicReference<>();
    await()
        .atMost(PRE_PUBLICATION.plusSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              String t = Customers.login(email);
              Instant received = Instant.now();
              if (!kid(t).equals(kid)) {
                return false;
              }
              assertThat(received).as("the first token of %s", kid).isAfterOrEqualTo(signsFrom);
              token.set(t);
              return true;
            });
    return token.get();
  }

  @Test
  void thePrePublishedKeyIsInTheJwksButSignsNothing() {
    String email = Customers.registered();
    String next = keys.nextKid();

    assertThat(publishedKids()).contains(next, keys.kid());
    for (int i = 0; i < 3; i++) {
      assertThat(kid(Customers.login(email))).isNotEqualTo(next);
    }
    assertThat(given().get("/api/v1/auth/jwks").header("Cache-Control")).contains("max-age=1");
  }

  @Test
  void aRotationSwitchesToThePrePublishedKeyAndUsersAcceptsItsTokensAtOnce() throws Exception {
    String email = Customers.registered();
    String next = keys.nextKid();

    Map<String, Object> rotation = rotate();

    assertThat(rotation.get("kid")).isEqualTo(next);
    Instant signsFrom = Instant.parse((String) rotation.get("signsFrom"));
    assertThat(signsFrom).isAfterOrEqualTo(publishedAt(next).plus(PRE_PUBLICATION));
    String newNext = (String) rotation.get("next");
    assertThat(newNext).isNotEqualTo(next);
    assertThat(publishedKids()).contains(next, newNext);

    String token = firstTokenOf(email, next, signsFrom);
    // users verifies it with the JWKS its SmallRye JWT holds, like every service: no 401 window.
    given().auth().oauth2(token).get("/api/v1/users/me").then().statusCode(200);
    assertThat(kid(Customers.login(email))).isNotEqualTo(newNext);
  }

  @Test
  void aRotationRightAfterAnotherWaitsUntilItsKeyHasBeenPublishedLongEnough() throws Exception {
    String email = Customers.registered();
    Map<String, Object> first = rotate();
    String firstKid = (String) first.get("kid");
    String prePublished = (String) first.get("next");

    Map<String, Object> second = rotate();
    Instant answered = Instant.now();

    assertThat(second.get("kid")).isEqualTo(prePublished);
    Instant signsFrom = Instant.parse((String) second.get("signsFrom"));
    assertThat(signsFrom).isEqualTo(publishedAt(prePublished).plus(PRE_PUBLICATION));
    assertThat((List<String>) second.get("retired")).contains(firstKid);
    // Until the switch the earlier keys sign; the key of the second rotation only after it.
    if (answered.isBefore(signsFrom)) {
      assertThat(kid(Customers.login(email))).isNotEqualTo(prePublished);
    }
    String token = firstTokenOf(email, prePublished, signsFrom);
    given().auth().oauth2(token).get("/api/v1/users/me").then().statusCode(200);
  }
}
