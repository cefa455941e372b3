package dev.bazaar.users;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;

/** Customers registered through the API, and their logins (password {@link #PASSWORD}). */
final class Customers {

  static final String PASSWORD = "correct horse";

  private Customers() {}

  /** Registers a new customer; returns the email. */
  static String registered() {
    return registered("Ada");
  }

  /** Registers a new customer named {@code name}; returns the email. */
  static String registered(String name) {
    String email = "u-" + UUID.randomUUID() + "@example.com";
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", PASSWORD, "name", name))
        .post("/api/v1/users")
        .then()
        .statusCode(201);
    return email;
  }

  /** An access token for {@code email}, from {@code POST /api/v1/auth/token}. */
  static String login(String email) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("email", email, "password", PASSWORD))
        .post("/api/v1/auth/token")
        .then()
        .statusCode(200)
        .extract()
        .path("access_token");
  }
}
