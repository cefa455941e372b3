package dev.bazaar.users.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.problem.Validator;
import dev.bazaar.users.config.UsersConfig;
import dev.bazaar.users.domain.LoginBackoff;
import dev.bazaar.users.domain.User;
import dev.bazaar.users.persistence.LoginFailures;
import dev.bazaar.users.persistence.UserRepository;
import dev.bazaar.users.tokens.SigningKeys;
import dev.bazaar.users.tokens.TokenIssuer;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Login (password grant) and the public keys that verify issued tokens. */
@Path("/")
@Tag(name = "Auth", description = "Log in and the keys that verify tokens")
public class AuthResource {

  /** Body of {@code POST /api/v1/auth/token}. */
  public record TokenRequest(String email, String password) {}

  /** OAuth-style token response. */
  public record TokenResponse(
      @JsonProperty("access_token") String accessToken,
      @JsonProperty("token_type") String tokenType,
      @JsonProperty("expires_in") long expiresIn) {}

  @Inject DataSource dataSource;
  @Inject UserRepository users;
  @Inject UsersResource.PasswordHashers hashers;
  @Inject TokenIssuer issuer;
  @Inject SigningKeys keys;
  @Inject LoginFailures failures;
  @Inject UsersConfig config;
  @Inject Clock clock;

  private LoginBackoff backoff;

  @PostConstruct
  void init() {
    UsersConfig.LoginBackoff c = config.loginBackoff();
    backoff = new LoginBackoff(c.freeFailures(), c.initialDelay(), c.maxDelay());
  }

  @POST
  @Path("api/v1/auth/token")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      operationId = "issueToken",
      summary = "Log in: exchange email and password for an access token",
      description = "The token is an RS256 JWT valid for 15 minutes; send it as a bearer token.")
  @RequestBody(
      required = true,
      content =
          @Content(
              schema = @Schema(implementation = TokenRequest.class),
              examples =
                  @ExampleObject(
                      name = "ada",
                      value = "{\"email\":\"ada@example.com\",\"password\":\"correct horse\"}")))
  @APIResponse(
      responseCode = "200",
      description = "The access token",
      headers =
          @Header(
              name = "Cache-Control",
              description = "no-store: a token is never cached",
              schema = @Schema(type = SchemaType.STRING)),
      content =
          @Content(
              schema = @Schema(implementation = TokenResponse.class),
              examples =
                  @ExampleObject(
                      name = "bearer",
                      value =
                          "{\"access_token\":\"eyJraWQiOi...\",\"token_type\":\"Bearer\","
                              + "\"expires_in\":900}")))
  @APIResponse(responseCode = "400", description = "email or password missing")
  @APIResponse(responseCode = "401", description = "Wrong email or password")
  @APIResponse(
      responseCode = "429",
      description =
          "Too many failed logins for this account (also for an unknown one): wait Retry-After seconds",
      headers =
          @Header(
              name = "Retry-After",
              description = "seconds until the account takes a login again",
              schema = @Schema(type = SchemaType.INTEGER)))
  @APIResponse(
      responseCode = "503",
      description = "Every password-hashing slot is busy: try again after Retry-After seconds",
      headers =
          @Header(
              name = "Retry-After",
              description = "seconds to wait",
              schema = @Schema(type = SchemaType.INTEGER)))
  public Response token(TokenRequest body) {
    if (body == null) {
      throw ProblemException.validation("body", "a JSON body with email and password is required");
    }
    Validator v = new Validator();
    v.text("email", body.email(), 1, 254);
    v.text("password", body.password(), 1, 1024);
    v.throwIfInvalid();
    String key = LoginFailures.key(body.email());
    Instant now = clock.instant();
    // The back-off is looked up by the email tried, account or not, and before any hashing: a
    // closed account answers the same fast 429 whether it exists or not.
    Optional<LoginFailures.Record> record = Tx.run(dataSource, c -> failures.find(c, key));
    if (record.isPresent()) {
      Instant until =
          backoff.closedUntil(record.get().failures(), record.get().lastFailureAt(), now);
      if (until != null) {
        throw closed(until, now);
      }
    }
    Optional<User> user = Tx.run(dataSource, c -> users.findByEmail(c, body.email().strip()));
    boolean ok;
    if (user.isEmpty()) {
      hashers.burn(body.password());
      ok = false;
    } else {
      ok = hashers.matches(body.password(), user.get().passwordHash());
    }
    if (!ok) {
      Instant failedAt = clock.instant();
      Tx.run(
          dataSource,
          c ->
              failures.recordFailure(
                  c, key, failedAt, failedAt.minus(config.loginBackoff().memory())));
      throw new ProblemException(
          401,
          "invalid-credentials",
          "Invalid credentials",
          "email or password is wrong",
          java.util.List.of(),
          java.util.Map.of("WWW-Authenticate", "Bearer"));
    }
    if (record.isPresent()) {
      Tx.run(
          dataSource,
          c -> {
            failures.clear(c, key);
            return null;
          });
    }
    TokenIssuer.Token token = issuer.issue(user.get());
    return Response.ok(new TokenResponse(token.value(), "Bearer", token.expiresIn()))
        .header("Cache-Control", "no-store")
        .build();
  }

  private static ProblemException closed(Instant until, Instant now) {
    long seconds = Math.max(1, Duration.between(now, until).toSeconds() + 1);
    return new ProblemException(
        429,
        "login-backoff",
        "Too Many Requests",
        "too many failed logins for this account; retry in " + seconds + " s",
        java.util.List.of(),
        java.util.Map.of("Retry-After", Long.toString(seconds)));
  }

  @GET
  @Path("api/v1/auth/jwks")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      operationId = "getJwks",
      summary = "The public keys (JWKS, RFC 7517) that verify access tokens")
  @APIResponse(
      responseCode = "200",
      description = "A JSON Web Key Set",
      content = @Content(schema = @Schema(implementation = Jwks.class)))
  public Response jwks() {
    return jwksResponse();
  }

  @GET
  @Path(".well-known/jwks.json")
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(operationId = "getWellKnownJwks", summary = "The JWKS at its well-known address")
  @APIResponse(
      responseCode = "200",
      description = "A JSON Web Key Set",
      content = @Content(schema = @Schema(implementation = Jwks.class)))
  public Response wellKnownJwks() {
    return jwksResponse();
  }

  /**
   * The JWKS, cacheable for {@code bazaar.users.keys.jwks-max-age} (a minute): verifiers (the
   * gateway, SmallRye JWT in the services) refresh at that pace, so a key retired here stops being
   * trusted there that long after it leaves this document, and a key published here is known there
   * that long after; keys are published for longer than that before they sign.
   */
  private Response jwksResponse() {
    return Response.ok(keys.jwks())
        .header("Cache-Control", "public, max-age=" + config.keys().jwksMaxAge().toSeconds())
        .build();
  }
}
