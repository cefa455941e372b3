package dev.bazaar.users;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.users.domain.AdminAccount;
import dev.bazaar.users.persistence.AdminBootstrap;
import dev.bazaar.users.persistence.AdminBootstrap.Outcome;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The administrator account made at start from {@code bazaar.users.admin-password}. */
@QuarkusTest
@TestProfile(AdminAccountTest.WithAdminPassword.class)
@WithTestResource(
    value = InfraResource.class,
    initArgs = @ResourceArg(name = "jwks", value = "self"))
class AdminAccountTest {

  /** Generated per run: there is no administrator password anywhere in the repository. */
  static final String PASSWORD = randomPassword();

  public static class WithAdminPassword implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("bazaar.users.admin-password", PASSWORD);
    }
  }

  @Inject AdminBootstrap bootstrap;
  @Inject DataSource dataSource;

  static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String login(String email, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", password))
        .post("/api/v1/auth/token")
        .then()
        .statusCode(200)
        .extract()
        .path("access_token");
  }

  static int loginStatus(String email, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", password))
        .post("/api/v1/auth/token")
        .statusCode();
  }

  @Test
  void theAdministratorsTokenCarriesTheAdminGroup() {
    String token = login(AdminAccount.EMAIL, PASSWORD);
    assertThat(Jwts.groups(token)).contains("admin");
    given()
        .auth()
        .oauth2(token)
        .get("/api/v1/users/me")
        .then()
        .statusCode(200)
        .body("email", equalTo(AdminAccount.EMAIL));
  }

  @Test
  void aRegisteredUsersTokenDoesNotEvenWhenTheBodyAsksForIt() {
    String email = "u-" + UUID.randomUUID() + "@example.com";
    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "email",
                email,
                "password",
                "correct horse",
                "name",
                "Mallory",
                "roles",
                List.of("admin"),
                "groups",
                List.of("admin")))
        .post("/api/v1/users")
        .then()
        .statusCode(201);
    assertThat(Jwts.groups(login(email, "correct horse"))).containsExactly("customer");
  }

  @Test
  void nobodyCanRegisterTheAdministratorsEmail() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", "ADMIN@bazaar.local", "password", "correct horse", "name", "Eve"))
        .post("/api/v1/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("email"));
    assertThat(adminRows()).isEqualTo(1);
  }

  @Test
  void startingAgainChangesNothingEvenTwoAtOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<Outcome> start = () -> bootstrap.ensure(PASSWORD);
      Future<Outcome> a = pool.submit(start);
      Future<Outcome> b = pool.submit(start);
      assertThat(List.of(a.get(), b.get())).containsOnly(Outcome.UNCHANGED);
    } finally {
      pool.shutdownNow();
    }
    assertThat(adminRows()).isEqualTo(1);
    assertThat(Jwts.groups(login(AdminAccount.EMAIL, PASSWORD))).contains("admin");
  }

  @Test
  void twoFirstStartsAtOnceMakeOneAccount() throws Exception {
    deleteAdmin();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Callable<Outcome> start = () -> bootstrap.ensure(PASSWORD);
      Future<Outcome> a = pool.submit(start);
      Future<Outcome> b = pool.submit(start);
      assertThat(List.of(a.get(), b.get()))
          .containsExactlyInAnyOrder(Outcome.CREATED, Outcome.UNCHANGED);
    } finally {
      pool.shutdownNow();
    }
    assertThat(adminRows()).isEqualTo(1);
    assertThat(Jwts.groups(login(AdminAccount.EMAIL, PASSWORD))).contains("admin");
  }

  @Test
  void anotherPasswordAtStartReplacesTheOldOne() {
    String next = randomPassword();
    try {
      assertThat(bootstrap.ensure(next)).isEqualTo(Outcome.UPDATED);
      assertThat(loginStatus(AdminAccount.EMAIL, PASSWORD)).isEqualTo(401);
      assertThat(Jwts.groups(login(AdminAccount.EMAIL, next))).contains("admin");
    } finally {
      bootstrap.ensure(PASSWORD);
    }
    assertThat(loginStatus(AdminAccount.EMAIL, PASSWORD)).isEqualTo(200);
  }

  @Test
  void aTooShortPasswordFailsStartUpWithoutSayingIt() {
    assertThatThrownBy(() -> bootstrap.ensure("short-pw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 12 characters")
        .hasMessageNotContaining("short-pw");
    assertThat(loginStatus(AdminAccount.EMAIL, PASSWORD)).isEqualTo(200);
  }

  private int adminRows() {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT count(*) FROM users WHERE lower(email) = lower(?)")) {
            ps.setString(1, AdminAccount.EMAIL);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }

  private void deleteAdmin() {
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM users WHERE lower(email) = lower(?)")) {
            ps.setString(1, AdminAccount.EMAIL);
            ps.executeUpdate();
          }
          return null;
        });
  }
}
