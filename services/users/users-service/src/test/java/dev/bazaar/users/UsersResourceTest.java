package dev.bazaar.users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(
    value = InfraResource.class,
    initArgs = @ResourceArg(name = "jwks", value = "self"))
class UsersResourceTest {

  static String uniqueEmail() {
    return "u-" + UUID.randomUUID() + "@example.com";
  }

  static Map<String, String> registration(String email) {
    return Map.of("email", email, "password", "correct horse", "name", "Ada");
  }

  @Test
  void registersLogsInAndReadsProfile() {
    String email = uniqueEmail();
    String id =
        given()
            .contentType(ContentType.JSON)
            .body(registration(email))
            .post("/api/v1/users")
            .then()
            .statusCode(201)
            .header("Location", containsString("/api/v1/users/"))
            .body("email", equalTo(email))
            .body("name", equalTo("Ada"))
            .body("password", equalTo(null))
            .extract()
            .path("id");

    String token =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("email", email, "password", "correct horse"))
            .post("/api/v1/auth/token")
            .then()
            .statusCode(200)
            .body("token_type", equalTo("Bearer"))
            .body("expires_in", equalTo(900))
            .body("access_token", notNullValue())
            .extract()
            .path("access_token");

    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/users/me")
        .then()
        .statusCode(200)
        .body("id", equalTo(id))
        .body("email", equalTo(email));
  }

  @Test
  void withoutAnAdminPasswordThereIsNoAdministrator() {
    // This test class runs without bazaar.users.admin-password (nor BAZAAR_ADMIN_PASSWORD).
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", "admin@bazaar.local", "password", "correct horse battery"))
        .post("/api/v1/auth/token")
        .then()
        .statusCode(401);
    // ... and registration still cannot take its email.
    given()
        .contentType(ContentType.JSON)
        .body(registration("admin@bazaar.local"))
        .post("/api/v1/users")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("email"));
  }

  @Test
  void aRegisteredUserIsACustomerOnly() {
    String email = uniqueEmail();
    given()
        .contentType(ContentType.JSON)
        .body(registration(email))
        .post("/api/v1/users")
        .then()
        .statusCode(201);
    String token =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("email", email, "password", "correct horse"))
            .post("/api/v1/auth/token")
            .then()
            .statusCode(200)
            .extract()
            .path("access_token");
    assertThat(Jwts.groups(token)).containsExactly("customer");
  }

  @Test
  void duplicateEmailIsAConflictRegardlessOfCase() {
    String email = uniqueEmail();
    given()
        .contentType(ContentType.JSON)
        .body(registration(email))
        .post("/api/v1/users")
        .then()
        .statusCode(201);
    given()
        .contentType(ContentType.JSON)
        .body(registration(email.toUpperCase()))
        .post("/api/v1/users")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/conflict"));
  }

  @Test
  void wrongPasswordAndUnknownEmailAreUnauthorized() {
    String email = uniqueEmail();
    given()
        .contentType(ContentType.JSON)
        .body(registration(email))
        .post("/api/v1/users")
        .then()
        .statusCode(201);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", "wrong password"))
        .post("/api/v1/auth/token")
        .then()
        .statusCode(401)
        .contentType("application/problem+json");
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", uniqueEmail(), "password", "correct horse"))
        .post("/api/v1/auth/token")
        .then()
        .statusCode(401);
  }

  @Test
  void badInputIsAProblemAndWritesNothing() {
    String email = uniqueEmail();
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", "not-an-email", "password", "correct horse", "name", "Ada"))
        .post("/api/v1/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("email"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", "short", "name", "x".repeat(101)))
        .post("/api/v1/users")
        .then()
        .statusCode(400)
        .body("errors.size()", equalTo(2));
    given()
        .contentType(ContentType.JSON)
        .body("{\"email\": ")
        .post("/api/v1/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/malformed-json"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", "correct horse"))
        .post("/api/v1/auth/token")
        .then()
        .statusCode(401);
  }

  @Test
  void profileNeedsAValidToken() {
    UUID someone = UUID.randomUUID();
    given().get("/api/v1/users/me").then().statusCode(401).contentType("application/problem+json");
    given().auth().oauth2("garbage").get("/api/v1/users/me").then().statusCode(401);
    given()
        .auth()
        .oauth2(TestTokens.unsigned(someone))
        .get("/api/v1/users/me")
        .then()
        .statusCode(401);
    // A token signed by a key users does not publish (the test key) is rejected too.
    given()
        .auth()
        .oauth2(TestTokens.customer(someone))
        .get("/api/v1/users/me")
        .then()
        .statusCode(401);
  }

  @Test
  void servesItsPublicKeysAsJwks() {
    given()
        .get("/api/v1/auth/jwks")
        .then()
        .statusCode(200)
        .body("keys[0].kty", equalTo("RSA"))
        .body("keys[0].alg", equalTo("RS256"))
        .body("keys[0].d", equalTo(null));
  }

  @Test
  void unknownRouteIsAProblem() {
    given().get("/api/v1/nope").then().statusCode(404).contentType("application/problem+json");
  }

  @Test
  void registrationPublishesUserRegisteredThroughTheOutbox() throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(ConfigProvider.getConfig().getValue("bazaar.amqp.url", String.class));
    try (Connection conn = f.newConnection();
        Channel ch = conn.createChannel()) {
      ch.exchangeDeclare("bazaar.events", "topic", true);
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, "bazaar.events", "users.UserRegistered");
      String email = uniqueEmail();
      String id =
          given()
              .contentType(ContentType.JSON)
              .body(registration(email))
              .post("/api/v1/users")
              .then()
              .statusCode(201)
              .extract()
              .path("id");
      GetResponse[] got = new GetResponse[1];
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> (got[0] = ch.basicGet(q, true)) != null);
      assertThat(got[0].getProps().getType()).isEqualTo("UserRegistered");
      assertThat(got[0].getProps().getMessageId()).isNotBlank();
      assertThat(new String(got[0].getBody(), StandardCharsets.UTF_8)).contains(id).contains(email);
    }
  }
}
