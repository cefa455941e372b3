package dev.bazaar.chassis.security;

import dev.bazaar.chassis.problem.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a bearer token with 401 problem+json before any resource (or SmallRye JWT) sees it when
 * its form is not a JWS's ({@link TokenSyntax}: JWE, {@code zip}, header or claims not UTF-8) or
 * its {@code typ} is not an access token's ({@link TokenTypes}). Accepted types: {@code
 * bazaar.jwt.accepted-types} (default {@code JWT,at+jwt}).
 */
@ApplicationScoped
public class TokenTypeRoutes {

  private static final String BEARER = "bearer ";

  private final TokenTypes types;

  public TokenTypeRoutes(
      @ConfigProperty(name = "bazaar.jwt.accepted-types", defaultValue = "JWT,at+jwt")
          List<String> accepted) {
    this.types = new TokenTypes(Set.copyOf(accepted));
  }

  void install(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE + 1)
        .handler(
            ctx -> {
              String authorization = ctx.request().getHeader("Authorization");
              if (authorization != null
                  && authorization.length() > BEARER.length()
                  && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                String token = authorization.substring(BEARER.length()).strip();
                String violation = TokenSyntax.violation(token);
                if (violation == null) {
                  violation = types.violation(token);
                }
                if (violation != null) {
                  JsonObject body =
                      new JsonObject()
                          .put("type", Problem.type("unauthorized"))
                          .put("title", "Unauthorized")
                          .put("status", 401)
                          .put("detail", violation)
                          .put("instance", ctx.request().path());
                  ctx.response()
                      .setStatusCode(401)
                      .putHeader("Content-Type", Problem.MEDIA_TYPE)
                      .putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                      .end(body.encode());
                  return;
                }
              }
              ctx.next();
            });
  }
}
