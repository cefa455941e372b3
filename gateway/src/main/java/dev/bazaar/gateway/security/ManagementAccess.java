package dev.bazaar.gateway.security;

import dev.bazaar.gateway.auth.AuthPolicy;
import dev.bazaar.gateway.auth.Identity;
import dev.bazaar.gateway.auth.InvalidTokenException;
import dev.bazaar.gateway.auth.JwtVerifier;
import dev.bazaar.gateway.auth.KeysUnavailableException;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletionException;

/**
 * Guards the management endpoints on the gateway's public port: {@code /q/metrics} needs a bearer
 * token that satisfies {@code bazaar.gateway.security.management-auth} (an admin by default). The
 * metrics name every route and upstream and count their failures, which is reconnaissance an
 * anonymous caller should not get (OWASP API9). {@code /q/health} stays open: probes carry no
 * token, and it answers only UP or DOWN per check.
 */
@Singleton
public class ManagementAccess {

  static final String REALM = "Bearer realm=\"bazaar\"";
  private static final String BEARER = "bearer ";

  private final JwtVerifier verifier;
  private final AuthPolicy policy;

  public ManagementAccess(JwtVerifier verifier, SecurityConfig config) {
    this.verifier = verifier;
    this.policy = AuthPolicy.parse(config.managementAuth());
  }

  void mount(@Observes Router router) {
    if (policy.requiresIdentity()) {
      router.routeWithRegex("^/q/metrics(/.*)?$").order(Integer.MIN_VALUE + 1).handler(this::check);
    }
  }

  private void check(RoutingContext context) {
    String token = bearerToken(context.request().getHeader("Authorization"));
    if (token == null) {
      deny(context, ProblemType.UNAUTHORIZED, "The metrics need a bearer access token.");
      return;
    }
    Context vertxContext = Vertx.currentContext();
    verifier
        .verify(token)
        .whenComplete(
            (identity, failure) -> {
              Runnable decide = () -> decide(context, identity, failure);
              if (vertxContext == null || Vertx.currentContext() == vertxContext) {
                decide.run();
              } else {
                vertxContext.runOnContext(v -> decide.run());
              }
            });
  }

  private void decide(RoutingContext context, Identity identity, Throwable failure) {
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      if (cause instanceof KeysUnavailableException) {
        deny(context, ProblemType.UPSTREAM_UNAVAILABLE, cause.getMessage());
        return;
      }
      deny(
          context,
          ProblemType.UNAUTHORIZED,
          cause instanceof InvalidTokenException ? cause.getMessage() : "The token is invalid.");
    } else if (!policy.admits(identity.roles())) {
      deny(context, ProblemType.FORBIDDEN, "The metrics need the role " + policy.role() + ".");
    } else {
      context.next();
    }
  }

  private static void deny(RoutingContext context, ProblemType type, String detail) {
    if (context.response().ended()) {
      return;
    }
    var response = context.response().setStatusCode(type.status());
    response.putHeader("Content-Type", Problem.CONTENT_TYPE);
    if (type == ProblemType.UNAUTHORIZED) {
      response.putHeader("WWW-Authenticate", REALM);
    } else if (type == ProblemType.UPSTREAM_UNAVAILABLE) {
      response.putHeader("Retry-After", "1");
    }
    response.end(Problem.of(type, detail).toJson(context.request().path(), null).toBuffer());
  }

  private static String bearerToken(String authorization) {
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : token;
  }
}
