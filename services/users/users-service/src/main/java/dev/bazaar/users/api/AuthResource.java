package dev.bazaar.users.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.problem.Validator;
import dev.bazaar.users.domain.User;
import dev.bazaar.users.persistence.UserRepository;
import dev.bazaar.users.tokens.SigningKeys;
import dev.bazaar.users.tokens.TokenIssuer;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import javax.sql.DataSource;

/** Login (password grant) and the public keys that verify issued tokens. */
@Path("/")
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

  @POST
  @Path("api/v1/auth/token")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response token(TokenRequest body) {
    if (body == null) {
      throw ProblemException.validation("body", "a JSON body with email and password is required");
    }
    Validator v = new Validator();
    v.text("email", body.email(), 1, 254);
    v.text("password", body.password(), 1, 1024);
    v.throwIfInvalid();
    Optional<User> user = Tx.run(dataSource, c -> users.findByEmail(c, body.email().strip()));
    boolean ok;
    if (user.isEmpty()) {
      hashers.get().burn(body.password());
      ok = false;
    } else {
      ok = hashers.get().matches(body.password(), user.get().passwordHash());
    }
    if (!ok) {
      throw new ProblemException(
          401,
          "invalid-credentials",
          "Invalid credentials",
          "email or password is wrong",
          java.util.List.of(),
          java.util.Map.of("WWW-Authenticate", "Bearer"));
    }
    TokenIssuer.Token token = issuer.issue(user.get());
    return Response.ok(new TokenResponse(token.value(), "Bearer", token.expiresIn()))
        .header("Cache-Control", "no-store")
        .build();
  }

  @GET
  @Path("api/v1/auth/jwks")
  @Produces(MediaType.APPLICATION_JSON)
  public String jwks() {
    return keys.jwks();
  }

  @GET
  @Path(".well-known/jwks.json")
  @Produces(MediaType.APPLICATION_JSON)
  public String wellKnownJwks() {
    return keys.jwks();
  }
}
