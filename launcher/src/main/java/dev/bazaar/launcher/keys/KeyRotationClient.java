package dev.bazaar.launcher.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rotates the signing key of a running Bazaar through its gateway, as the administrator: logs in
 * ({@code POST /api/v1/auth/token}) and calls {@code POST /api/v1/admin/keys/rotate} with the
 * token. Every failure is a {@link Failure} whose message says what went wrong and never holds the
 * password or the token.
 */
public final class KeyRotationClient {

  /**
   * The outcome of a rotation: the key that signs from {@code signsFrom} on (users publishes a key
   * before it signs; {@code null} from a users that does not say), the keys that stop signing then,
   * and the key published for the next rotation ({@code null} when not said).
   */
  public record Rotation(String kid, Instant signsFrom, List<String> retired, String next) {}

  /** Why the rotation did not happen. */
  public static final class Failure extends Exception {
    private final boolean unreachable;

    Failure(String message, boolean unreachable) {
      super(message);
      this.unreachable = unreachable;
    }

    /** True when nothing answered at the gateway's address (Bazaar is not running there). */
    public boolean unreachable() {
      return unreachable;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI gateway;
  private final Duration timeout;

  public KeyRotationClient(URI gateway, Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    this.gateway = gateway;
    this.timeout = timeout;
  }

  /** Logs in as {@code email} and rotates the signing key. */
  public Rotation rotate(String email, String password) throws Failure {
    ObjectNode login = JSON.createObjectNode().put("email", email).put("password", password);
    HttpResponse<String> token =
        send(
            "log in as " + email,
            HttpRequest.newBuilder(gateway.resolve("/api/v1/auth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(login.toString())));
    if (token.statusCode() != 200) {
      throw new Failure(
          "the administrator login ("
              + email
              + ") was refused: "
              + problem(token)
              + (token.statusCode() == 401
                  ? "; is the password the one users was started with?"
                  : ""),
          false);
    }
    String accessToken = json(token).path("access_token").asText("");
    if (accessToken.isEmpty()) {
      throw new Failure("the login answer has no access_token", false);
    }
    HttpResponse<String> rotated =
        send(
            "rotate the signing key",
            HttpRequest.newBuilder(gateway.resolve("/api/v1/admin/keys/rotate"))
                .header("Authorization", "Bearer " + accessToken)
                .POST(HttpRequest.BodyPublishers.noBody()));
    if (rotated.statusCode() != 200) {
      throw new Failure("the key rotation was refused: " + problem(rotated), false);
    }
    JsonNode body = json(rotated);
    String kid = body.path("kid").asText("");
    if (kid.isEmpty()) {
      throw new Failure("the rotation answer has no kid: " + rotated.body(), false);
    }
    List<String> retired = new ArrayList<>();
    body.path("retired").forEach(r -> retired.add(r.asText()));
    Instant signsFrom;
    try {
      signsFrom =
          body.hasNonNull("signsFrom") ? Instant.parse(body.get("signsFrom").asText()) : null;
    } catch (java.time.format.DateTimeParseException e) {
      throw new Failure(
          "the rotation answer's signsFrom is not an instant: " + rotated.body(), false);
    }
    String next = body.hasNonNull("next") ? body.get("next").asText() : null;
    return new Rotation(kid, signsFrom, retired, next);
  }

  private HttpResponse<String> send(String what, HttpRequest.Builder request) throws Failure {
    try {
      return http.send(
          request.timeout(timeout).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failure(
          "cannot " + what + ": the gateway at " + gateway + " does not answer (" + e + ")", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted while trying to " + what, false);
    }
  }

  private static JsonNode json(HttpResponse<String> response) throws Failure {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new Failure(
          "the answer (HTTP " + response.statusCode() + ") is not JSON: " + e.getMessage(), false);
    }
  }

  /** HTTP status with the problem's title and detail (RFC 9457), or the start of the body. */
  static String problem(HttpResponse<String> response) {
    StringBuilder sb = new StringBuilder("HTTP ").append(response.statusCode());
    try {
      JsonNode p = JSON.readTree(response.body());
      for (String field : List.of("title", "detail")) {
        if (p != null && p.hasNonNull(field)) {
          sb.append(field.equals("title") ? " " : ": ").append(p.get(field).asText());
        }
      }
    } catch (IOException e) {
      String body = response.body().strip();
      if (!body.isEmpty()) {
        sb.append(" ").append(body, 0, Math.min(body.length(), 200));
      }
    }
    response
        .headers()
        .firstValue("Retry-After")
        .ifPresent(s -> sb.append(" (retry after ").append(s).append(" s)"));
    return sb.toString();
  }
}
