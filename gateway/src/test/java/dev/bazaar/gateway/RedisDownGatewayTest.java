package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A Redis outage costs rate limiting, never availability. */
@QuarkusTest
@WithTestResource(RedisDownUpstreams.class)
class RedisDownGatewayTest {

  @InjectTestIssuer TestIssuer issuer;

  @BeforeEach
  void signingKeysLoaded() {
    SecuredUpstreams.awaitSigningKeys(issuer);
  }

  @Test
  void requestsPassUnlimitedWithoutRateLimitHeadersWhileRedisIsDown() {
    String token = issuer.token(UUID.randomUUID().toString()).sign();
    for (int i = 0; i < SecuredUpstreams.TINY_CAPACITY * 3; i++) {
      given()
          .header("Authorization", "Bearer " + token)
          .get("/api/v1/limited")
          .then()
          .statusCode(200)
          .header("RateLimit", nullValue())
          .header("RateLimit-Policy", nullValue());
    }
  }

  @Test
  void authIsStillEnforced() {
    given().get("/api/v1/private").then().statusCode(401);
  }
}
