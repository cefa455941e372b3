package dev.bazaar.users.api;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.problem.Validator;
import dev.bazaar.users.config.UsersConfig;
import dev.bazaar.users.domain.AdminAccount;
import dev.bazaar.users.domain.HashingGate;
import dev.bazaar.users.domain.PasswordHasher;
import dev.bazaar.users.domain.User;
import dev.bazaar.users.persistence.UserRepository;
import io.quarkus.security.Authenticated;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Registration and the caller's profile. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Users", description = "Registration and the caller's profile")
public class UsersResource {

  /** Body of {@code POST /api/v1/users}. */
  public record RegisterRequest(String email, String password, String name) {}

  @Inject DataSource dataSource;
  @Inject UserRepository users;
  @Inject Messaging messaging;
  @Inject JsonWebToken jwt;
  @Inject PasswordHashers hashers;

  @POST
  @Operation(
      operationId = "registerUser",
      summary = "Register a customer account",
      description = "Emails are unique regardless of case; the password is 8 to 72 bytes.")
  @RequestBody(
      required = true,
      content =
          @Content(
              schema = @Schema(implementation = RegisterRequest.class),
              examples =
                  @ExampleObject(
                      name = "ada",
                      value =
                          "{\"email\":\"ada@example.com\",\"password\":\"correct horse\","
                              + "\"name\":\"Ada\"}")))
  @APIResponse(
      responseCode = "201",
      description = "Registered; Location names the account",
      headers = @Header(name = "Location", ref = "Location"),
      content =
          @Content(
              schema = @Schema(implementation = UserView.class),
              examples =
                  @ExampleObject(
                      name = "ada",
                      value =
                          "{\"id\":\"0b6f3c1e-2a8d-4d8e-9a77-3f1c2b9e5d10\","
                              + "\"email\":\"ada@example.com\",\"name\":\"Ada\"}")))
  @APIResponse(
      responseCode = "400",
      description = "A field is missing or invalid (errors[] names it)")
  @APIResponse(responseCode = "409", description = "An account with this email already exists")
  @APIResponse(
      responseCode = "503",
      description = "Every password-hashing slot is busy: try again after Retry-After seconds",
      headers =
          @org.eclipse.microprofile.openapi.annotations.headers.Header(
              name = "Retry-After",
              description = "seconds to wait",
              schema = @Schema(type = SchemaType.INTEGER)))
  public Response register(RegisterRequest body) {
    if (body == null) {
      throw ProblemException.validation(
          "body", "a JSON body with email, password and name is required");
    }
    Validator v = new Validator();
    if (v.email("email", body.email())) {
      // Registration only ever makes customers; the administrator comes from start-up config.
      v.require(
          !AdminAccount.isReserved(body.email()),
          "email",
          "email " + AdminAccount.EMAIL + " is reserved for the administrator account");
    }
    if (v.text("password", body.password(), 8, 72)) {
      v.require(
          body.password().getBytes(StandardCharsets.UTF_8).length <= 72,
          "password",
          "password must be at most 72 bytes long");
    }
    v.text("name", body.name(), 1, 100);
    v.throwIfInvalid();

    // A taken email is answered before any hashing: a flood of duplicate registrations costs a
    // lookup each, not a bcrypt hash. (That this 409 tells a taken email apart is accepted and
    // bounded by the gateway's registration limit; docs/security.md, API2.)
    if (Tx.run(dataSource, c -> users.findByEmail(c, body.email().strip())).isPresent()) {
      throw ProblemException.conflict("an account with this email already exists");
    }
    User user =
        new User(
            UUID.randomUUID(),
            body.email().strip(),
            body.name().strip(),
            hashers.hash(body.password()),
            List.of("customer"),
            Instant.now().truncatedTo(ChronoUnit.MICROS));
    try {
      Tx.run(
          dataSource,
          c -> {
            users.insert(c, user);
            messaging.publish(
                c, new UserRegistered(user.id(), user.email(), user.name(), user.createdAt()));
            return null;
          });
    } catch (RuntimeException e) {
      if (Tx.isUniqueViolation(e)) {
        throw ProblemException.conflict("an account with this email already exists");
      }
      throw e;
    }
    messaging.flush();
    return Response.created(URI.create("/api/v1/users/" + user.id()))
        .entity(new UserView(user.id(), user.email(), user.name()))
        .build();
  }

  @GET
  @Path("/me")
  @Authenticated
  @Operation(operationId = "getMe", summary = "The caller's profile")
  @APIResponse(
      responseCode = "200",
      description = "The caller's account",
      content = @Content(schema = @Schema(implementation = UserView.class)))
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "404", description = "The token's account no longer exists")
  public UserView me() {
    UUID id = subject(jwt);
    User user =
        Tx.run(dataSource, c -> users.findById(c, id))
            .orElseThrow(
                () -> ProblemException.notFound("the account of this token no longer exists"));
    return new UserView(user.id(), user.email(), user.name());
  }

  static UUID subject(JsonWebToken jwt) {
    try {
      return UUID.fromString(jwt.getSubject());
    } catch (RuntimeException e) {
      throw ProblemException.unauthorized("the token's subject is not a user id");
    }
  }

  /**
   * One hasher per application, built from the configured cost, behind the {@link HashingGate}:
   * request paths hash through {@link #hash}, {@link #matches} and {@link #burn}, which answer 503
   * with {@code Retry-After} when hashing is at capacity.
   */
  @jakarta.enterprise.context.ApplicationScoped
  public static class PasswordHashers {
    @Inject UsersConfig config;
    private PasswordHasher hasher;
    private HashingGate gate;
    private final java.util.concurrent.atomic.LongAdder hashes =
        new java.util.concurrent.atomic.LongAdder();

    @PostConstruct
    void init() {
      hasher = new PasswordHasher(config.passwordCost());
      gate =
          new HashingGate(
              config.hashing().maxConcurrent().orElse(Runtime.getRuntime().availableProcessors()),
              config.hashing().maxWait());
    }

    /** The bound, for tests and health: how many hashing slots are free. */
    public HashingGate gate() {
      return gate;
    }

    /** How many hashes and checks ran through the gate since start. */
    public long hashes() {
      return hashes.sum();
    }

    /** The hasher itself, for start-up work that must not be turned away. */
    public PasswordHasher get() {
      return hasher;
    }

    public String hash(String password) {
      return gated(() -> hasher.hash(password));
    }

    public boolean matches(String password, String hash) {
      return gated(() -> hasher.matches(password, hash));
    }

    public void burn(String password) {
      gated(
          () -> {
            hasher.burn(password);
            return null;
          });
    }

    private <T> T gated(java.util.function.Supplier<T> work) {
      try {
        return gate.run(
            () -> {
              hashes.increment();
              return work.get();
            });
      } catch (HashingGate.Busy e) {
        throw new ProblemException(
            503,
            "busy",
            "Service Unavailable",
            "too many logins and registrations at once; retry shortly",
            List.of(),
            java.util.Map.of("Retry-After", "1"));
      }
    }
  }
}
