package dev.bazaar.gateway.auth;

import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Enforces the route's {@link AuthPolicy} and offloads identity: drops client-sent identity
 * headers, verifies the bearer token and forwards its subject and roles as {@link IdentityHeaders}.
 * On a public route a valid token still sets the identity (for per-user limits); an invalid one is
 * ignored there and the request goes on without identity. {@code Authorization} is forwarded
 * unchanged so that services can verify again.
 */
@Singleton
public class AuthFilter implements GatewayFilter {

  /** After routing (the policy is the route's), before rate limiting (which keys on the user). */
  public static final int ORDER = ORDER_ROUTING + 50;

  static final String REALM = "Bearer realm=\"bazaar\"";

  private static final Logger LOG = Logger.getLogger(AuthFilter.class);
  private static final String BEARER = "bearer ";

  private final JwtVerifier verifier;

  public AuthFilter(JwtVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    IdentityHeaders.strip(exchange.upstreamHeaders());
    AuthPolicy policy = exchange.route().auth();
    String token = bearerToken(exchange.request().headers().get(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      if (policy.requiresIdentity()) {
        exchange.reject(
            Problem.of(ProblemType.UNAUTHORIZED, "This route needs a bearer access token.")
                .withHeader("WWW-Authenticate", REALM));
      } else {
        chain.proceed(exchange);
      }
      return;
    }
    Context context = Vertx.currentContext();
    verifier
        .verify(token)
        .whenComplete(
            (identity, failure) ->
                onContext(context, () -> decide(exchange, chain, policy, identity, failure)));
  }

  private void decide(
      Exchange exchange,
      FilterChain chain,
      AuthPolicy policy,
      Identity identity,
      Throwable failure) {
    if (failure != null) {
      Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
      if (cause instanceof KeysUnavailableException unavailable) {
        if (policy.requiresIdentity()) {
          exchange.reject(
              Problem.of(ProblemType.UPSTREAM_UNAVAILABLE, unavailable.getMessage())
                  .withHeader("Retry-After", "1"));
        } else {
          chain.proceed(exchange);
        }
        return;
      }
      String reason;
      if (cause instanceof InvalidTokenException invalid) {
        reason = invalid.getMessage();
      } else {
        LOG.errorf(cause, "token verification failed unexpectedly");
        reason = "The token could not be verified.";
      }
      if (policy.requiresIdentity()) {
        exchange.reject(
            Problem.of(ProblemType.UNAUTHORIZED, reason)
                .withHeader("WWW-Authenticate", challenge("invalid_token", reason)));
      } else {
        chain.proceed(exchange);
      }
      return;
    }
    exchange.identity(identity);
    IdentityHeaders.set(exchange.upstreamHeaders(), identity);
    if (!policy.admits(identity.roles())) {
      String reason = "This route needs the role " + policy.role() + ".";
      exchange.reject(
          Problem.of(ProblemType.FORBIDDEN, reason)
              .withHeader("WWW-Authenticate", challenge("insufficient_scope", reason)));
      return;
    }
    chain.proceed(exchange);
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or {@code null}. */
  static String bearerToken(String authorization) {
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = authorization.substring(BEARER.length()).trim();
    return token.isEmpty() ? null : token;
  }

  /** An RFC 6750 challenge; the description is reduced to characters a quoted string allows. */
  static String challenge(String error, String description) {
    StringBuilder safe = new StringBuilder(description.length());
    for (int i = 0; i < description.length(); i++) {
      char c = description.charAt(i);
      safe.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '?');
    }
    return REALM + ", error=\"" + error + "\", error_description=\"" + safe + "\"";
  }

  private static void onContext(Context context, Runnable action) {
    if (context == null || Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
