package dev.bazaar.users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.bazaar.testing.InfraResource;
import dev.bazaar.users.api.UsersResource;
import dev.bazaar.users.domain.User;
import dev.bazaar.users.tokens.SigningKeys;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Attacks on users' abuse limits: password guessing against one account (the per-account back-off,
 * the same for unknown accounts), duplicate-registration floods (no hash for a taken email),
 * hashing floods (a fast 503 beyond the bound), tokens of another type, and key rotation by
 * non-admins.
 */
@QuarkusTest
@WithTestResource(
    value = InfraResource.class,
    initArgs = @ResourceArg(name = "jwks", value = "self"))
class AbuseLimitsTest {

  private static final String PASSWORD = "correct horse";

  @Inject UsersResource.PasswordHashers hashers;
  @Inject SigningKeys keys;

  private static String register() {
    return Customers.registered();
  }

  private static Response login(String email, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", password))
        .post("/api/v1/auth/token");
  }

  @Test
  void repeatedFailuresCloseTheAccountForAWhileEvenToTheRightPassword() throws Exception {
    String email = register();
    for (int i = 0; i < 5; i++) {
      login(email, "wrong " + i).then().statusCode(401);
    }
    // The sixth attempt waits, whatever the password: guessing slows down per account.
    Response closed = login(email, PASSWORD);
    closed
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/login-backoff"));
    // The test profile's first delay is 3 s.
    assertThat(Integer.parseInt(closed.header("Retry-After"))).isBetween(1, 4);
    // Attempts while closed are not counted: after the wait, the owner gets in, and is reset.
    Thread.sleep(3_100);
    login(email, PASSWORD).then().statusCode(200);
    login(email, "wrong again").then().statusCode(401);
    login(email, PASSWORD).then().statusCode(200);
  }

  @Test
  void theDelayDoublesWithEachFurtherFailure() throws Exception {
    String email = register();
    for (int i = 0; i < 5; i++) {
      login(email, "wrong").then().statusCode(401);
    }
    Thread.sleep(3_100);
    login(email, "wrong").then().statusCode(401);
    Response closed = login(email, PASSWORD);
    closed.then().statusCode(429);
    // 3 s doubled.
    assertThat(Integer.parseInt(closed.header("Retry-After"))).isBetween(4, 7);
  }

  @Test
  void anUnknownAccountAnswersExactlyLikeAKnownOne() {
    String known = register();
    String unknown = "nobody-" + UUID.randomUUID() + "@example.com";
    for (int i = 0; i < 5; i++) {
      Response a = login(known, "wrong");
      Response b = login(unknown, "wrong");
      assertThat(b.statusCode()).isEqualTo(a.statusCode()).isEqualTo(401);
      assertThat(b.jsonPath().getString("type")).isEqualTo(a.jsonPath().getString("type"));
      assertThat(b.jsonPath().getString("detail")).isEqualTo(a.jsonPath().getString("detail"));
    }
    Response a = login(known, "wrong");
    Response b = login(unknown, "wrong");
    assertThat(a.statusCode()).isEqualTo(429);
    assertThat(b.statusCode()).isEqualTo(429);
    assertThat(b.jsonPath().getString("type")).isEqualTo(a.jsonPath().getString("type"));
    assertThat(b.jsonPath().getString("detail")).isEqualTo(a.jsonPath().getString("detail"));
    assertThat(b.header("Retry-After")).isEqualTo(a.header("Retry-After"));
  }

  @Test
  void theBackoffIsPerAccountRegardlessOfCase() {
    String email = register();
    for (int i = 0; i < 5; i++) {
      login(i % 2 == 0 ? email : email.toUpperCase(), "wrong").then().statusCode(401);
    }
    login(email.toUpperCase(), PASSWORD).then().statusCode(429);
    // Another account is not affected.
    login(register(), PASSWORD).then().statusCode(200);
  }

  @Test
  void aTakenEmailIsAnsweredWithoutHashing() {
    String email = register();
    long before = hashers.hashes();
    for (int i = 0; i < 20; i++) {
      given()
          .contentType(ContentType.JSON)
          .body(Map.of("email", email, "password", PASSWORD, "name", "Ada"))
          .post("/api/v1/users")
          .then()
          .statusCode(409);
    }
    assertThat(hashers.hashes()).isEqualTo(before);
  }

  @Test
  void beyondTheHashingBoundLoginsGetAFast503() throws Exception {
    String email = register();
    int slots = hashers.gate().available();
    CountDownLatch held = new CountDownLatch(slots);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(slots);
    try {
      for (int i = 0; i < slots; i++) {
        pool.submit(
            () ->
                hashers
                    .gate()
                    .run(
                        () -> {
                          held.countDown();
                          try {
                            release.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return null;
                        }));
      }
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      login(email, PASSWORD)
          .then()
          .statusCode(503)
          .contentType("application/problem+json")
          .header("Retry-After", "1")
          .body("type", equalTo("https://bazaar.dev/problems/busy"));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    } finally {
      release.countDown();
      pool.shutdown();
    }
    login(email, PASSWORD).then().statusCode(200);
  }

  @Test
  void aTokenOfAnotherTypeIsRefusedEvenWithAValidSignature() {
    String email = register();
    String id = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
    String sub = Jwts.claims(id).get("sub").asText();
    String idToken = Jwts.signedWithUsersKey(keys.signer(), sub, Map.of("typ", "id+jwt"));
    given()
        .auth()
        .oauth2(idToken)
        .get("/api/v1/users/me")
        .then()
        .statusCode(401)
        .contentType("application/problem+json")
        .body("detail", containsString("typ"));
    given().auth().oauth2(id).get("/api/v1/users/me").then().statusCode(200);
  }

  @Test
  void onlyAnAdminRotatesKeys() {
    String email = register();
    String customer = login(email, PASSWORD).then().extract().path("access_token");
    given().post("/api/v1/admin/keys/rotate").then().statusCode(401);
    given().auth().oauth2(customer).post("/api/v1/admin/keys/rotate").then().statusCode(403);
    assertThat(List.of(keys.kid())).hasSize(1);
  }

  static User admin() {
    return new User(
        UUID.randomUUID(),
        "ops-" + UUID.randomUUID() + "@example.com",
        "Ops",
        "x",
        List.of("admin"),
        Instant.now());
  }
}
