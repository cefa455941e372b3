package dev.bazaar.users.api;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.problem.Validator;
import dev.bazaar.users.config.UsersConfig;
import dev.bazaar.users.domain.AdminAccount;
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

/** Registration and the caller's profile. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UsersResource {

  /** Body of {@code POST /api/v1/users}. */
  public record RegisterRequest(String email, String password, String name) {}

  @Inject DataSource dataSource;
  @Inject UserRepository users;
  @Inject Messaging messaging;
  @Inject JsonWebToken jwt;
  @Inject PasswordHashers hashers;

  @POST
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

    User user =
        new User(
            UUID.randomUUID(),
            body.email().strip(),
            body.name().strip(),
            hashers.get().hash(body.password()),
            List.of("customer"),
            Instant.now().truncatedTo(ChronoUnit.MICROS));
    try {
      Tx.run(
          dataSource,
          c -> {
            users.insert(c, user);
            messaging.publish(
                c,
                Topology.EVENTS_EXCHANGE,
                UsersContract.USER_REGISTERED,
                UsersContract.USER_REGISTERED_TYPE,
                UsersContract.USER_REGISTERED_VERSION,
                new UserRegistered(user.id(), user.email(), user.name(), user.createdAt()));
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

  /** One hasher per application, built from the configured cost. */
  @jakarta.enterprise.context.ApplicationScoped
  public static class PasswordHashers {
    @Inject UsersConfig config;
    private PasswordHasher hasher;

    @PostConstruct
    void init() {
      hasher = new PasswordHasher(config.passwordCost());
    }

    public PasswordHasher get() {
      return hasher;
    }
  }
}
