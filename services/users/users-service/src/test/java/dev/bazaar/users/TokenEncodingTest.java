package dev.bazaar.users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.bazaar.testing.InfraResource;
import dev.bazaar.users.tokens.SigningKeys;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

/**
 * RFC 8725 §3.6 and §3.7 in a service (users verifies its own tokens with the chassis, like every
 * service): tokens are issued as UTF-8, and a token signed with users' own key is still refused
 * when its claims are not UTF-8 or it claims a compressed payload.
 */
@QuarkusTest
@WithTestResource(
    value = InfraResource.class,
    initArgs = @ResourceArg(name = "jwks", value = "self"))
class TokenEncodingTest {

  private static final String NAME = "Zoë Ångström 日本";

  @Inject SigningKeys keys;

  /** Registers a customer named {@link #NAME} and returns an access token of theirs. */
  private static String customerToken() {
    return Customers.login(Customers.registered(NAME));
  }

  /** {@code claims} as the payload bytes, signed RS256 with users' signing key. */
  private String signedByUsers(byte[] claims) throws Exception {
    SigningKeys.Signer signer = keys.signer();
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayloadBytes(claims);
    jws.setAlgorithmHeaderValue("RS256");
    jws.setKeyIdHeaderValue(signer.kid());
    jws.setHeader("typ", "JWT");
    jws.setKey(signer.privateKey());
    return jws.getCompactSerialization();
  }

  private static String claimsJson(String sub) {
    long now = Instant.now().getEpochSecond();
    return "{\"iss\":\"https://bazaar.local/users\",\"aud\":\"bazaar\",\"sub\":\""
        + sub
        + "\",\"groups\":[\"customer\"],\"iat\":"
        + now
        + ",\"exp\":"
        + (now + 300)
        + ",\"name\":\"Zoë\"}";
  }

  @Test
  void issuedClaimsAreUtf8() throws Exception {
    String token = customerToken();
    byte[] claims = Base64.getUrlDecoder().decode(token.split("\\.")[1]);
    String strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(claims))
            .toString();
    assertThat(Jwts.claims(token).get("name").asText()).isEqualTo(NAME);
    assertThat(strict).contains("\"" + NAME + "\"");
  }

  @Test
  void aTokenSignedByUsersWithClaimsThatAreNotUtf8IsRefused() throws Exception {
    String sub = Jwts.claims(customerToken()).get("sub").asText();
    String utf8 = signedByUsers(claimsJson(sub).getBytes(StandardCharsets.UTF_8));
    String latin1 = signedByUsers(claimsJson(sub).getBytes(StandardCharsets.ISO_8859_1));

    given().auth().oauth2(utf8).get("/api/v1/users/me").then().statusCode(200);
    given()
        .auth()
        .oauth2(latin1)
        .get("/api/v1/users/me")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("detail", containsString("not UTF-8"));
  }

  @Test
  void aTokenSignedByUsersThatClaimsCompressionIsRefused() {
    String sub = Jwts.claims(customerToken()).get("sub").asText();
    String zipped = Jwts.signedWithUsersKey(keys.signer(), sub, Map.of("typ", "JWT", "zip", "DEF"));
    given()
        .auth()
        .oauth2(zipped)
        .get("/api/v1/users/me")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("detail", containsString("zip"));
  }
}
