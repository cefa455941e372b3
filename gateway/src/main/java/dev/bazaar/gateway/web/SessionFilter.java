package dev.bazaar.gateway.web;

import dev.bazaar.gateway.auth.Identity;
import dev.bazaar.gateway.auth.JwtVerifier;
import dev.bazaar.gateway.fetch.Responses;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import dev.bazaar.gateway.upstream.Upstreams;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The browser session at {@code /api/v1/session}: {@code POST} logs in ({@code {email, password}},
 * exchanged for a token at users' {@code /api/v1/auth/token}) and answers with who is logged in
 * while the token goes into an HttpOnly cookie, never into the page; {@code GET} says who the
 * cookie belongs to (401 without a valid one); {@code DELETE} logs out by clearing the cookie. The
 * route is configured with the login rate limit, which runs before this filter.
 */
@Singleton
public class SessionFilter implements GatewayFilter {

  /** After identity and rate limiting, before anything that would forward the request. */
  public static final int ORDER = 700;

  static final String PATH = "/api/v1/session";
  private static final Logger LOG = Logger.getLogger(SessionFilter.class);

  private final WebConfig config;
  private final Upstreams upstreams;
  private final JwtVerifier verifier;
  private final HttpClient client;

  public SessionFilter(WebConfig config, Upstreams upstreams, JwtVerifier verifier, Vertx vertx) {
    this.config = config;
    this.upstreams = upstreams;
    this.verifier = verifier;
    this.client = vertx.createHttpClient(new HttpClientOptions().setName("bazaar-gateway-session"));
  }

  @PreDestroy
  void close() {
    client.close();
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    if (!exchange.path().equals(PATH)) {
      chain.proceed(exchange);
      return;
    }
    HttpMethod method = exchange.request().method();
    if (method.equals(HttpMethod.GET)) {
      Identity identity = exchange.identity();
      if (identity == null) {
        exchange.reject(Problem.of(ProblemType.UNAUTHORIZED, "Nobody is logged in."));
      } else {
        json(exchange, 200, describe(identity), MultiMap.caseInsensitiveMultiMap());
      }
    } else if (method.equals(HttpMethod.DELETE)) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      headers.add(
          HttpHeaders.SET_COOKIE,
          SessionCookies.clear(config.cookieName(), SessionCookies.secure(exchange.request())));
      Responses.send(exchange, 204, headers, Buffer.buffer());
    } else if (method.equals(HttpMethod.POST)) {
      login(exchange);
    } else {
      exchange.reject(
          Problem.of(ProblemType.METHOD_NOT_ALLOWED, "The session supports GET, POST and DELETE.")
              .withHeader("Allow", "GET, POST, DELETE"));
    }
  }

  private void login(Exchange exchange) {
    UpstreamEndpoint endpoint;
    try {
      endpoint = upstreams.get(config.tokenUpstream()).resolve();
    } catch (NoSuchElementException | IllegalArgumentException e) {
      exchange.reject(
          Problem.of(ProblemType.UPSTREAM_UNAVAILABLE, "Logging in is not possible right now.")
              .withHeader("Retry-After", "1"));
      return;
    }
    Context context = Vertx.currentContext();
    exchange
        .request()
        .body()
        .compose(
            body ->
                client
                    .request(
                        new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setHost(endpoint.host())
                            .setPort(endpoint.port())
                            .setSsl(endpoint.ssl())
                            .setURI(endpoint.target("/api/v1/auth/token", null))
                            .setTimeout(config.loginTimeout().toMillis())
                            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .putHeader(HttpHeaders.ACCEPT, "application/json")
                            .putHeader("X-Request-Id", String.valueOf(exchange.requestId())))
                    .compose(req -> req.send(body))
                    .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp, b))))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warnf("login: token upstream failed: %s", ar.cause().toString());
                exchange.reject(
                    Problem.of(ProblemType.UPSTREAM_UNAVAILABLE, "Logging in failed; try again.")
                        .withHeader("Retry-After", "1"));
              } else {
                answered(exchange, context, ar.result());
              }
            });
    exchange.request().resume();
  }

  private record Answer(int status, io.vertx.core.http.HttpClientResponse response, Buffer body) {}

  private void answered(Exchange exchange, Context context, Answer answer) {
    if (answer.status() != 200) {
      // The users service's problem (401 wrong password, 400 bad input) goes to the page as is.
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      String type = answer.response().getHeader(HttpHeaders.CONTENT_TYPE);
      headers.add(HttpHeaders.CONTENT_TYPE, type == null ? Problem.CONTENT_TYPE : type);
      Responses.send(exchange, answer.status(), headers, answer.body());
      return;
    }
    String token;
    long expiresIn;
    try {
      JsonObject json = answer.body().toJsonObject();
      token = json.getString("access_token");
      expiresIn = json.getLong("expires_in", 900L);
    } catch (RuntimeException e) {
      token = null;
      expiresIn = 0;
    }
    if (token == null) {
      exchange.reject(Problem.of(ProblemType.BAD_GATEWAY, "The login answer had no token."));
      return;
    }
    String issued = token;
    long maxAge = expiresIn;
    verifier
        .verify(issued)
        .whenComplete(
            (identity, failure) ->
                context.runOnContext(
                    v -> {
                      if (failure != null) {
                        exchange.reject(
                            Problem.of(
                                ProblemType.BAD_GATEWAY,
                                "The issued token could not be verified."));
                        return;
                      }
                      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
                      headers.add(
                          HttpHeaders.SET_COOKIE,
                          SessionCookies.set(
                              config.cookieName(),
                              issued,
                              maxAge,
                              SessionCookies.secure(exchange.request())));
                      json(exchange, 200, describe(identity), headers);
                    }));
  }

  static JsonObject describe(Identity identity) {
    Set<String> roles = identity.roles();
    return new JsonObject()
        .put("subject", identity.subject())
        .put("roles", new JsonArray(roles.stream().sorted().toList()))
        .put("admin", roles.contains("admin"))
        .put("expiresAt", Instant.ofEpochSecond(identity.expiresAt()).toString());
  }

  private static void json(Exchange exchange, int status, JsonObject body, MultiMap headers) {
    headers.add(HttpHeaders.CONTENT_TYPE, "application/json");
    headers.add(HttpHeaders.CACHE_CONTROL, "no-store");
    Responses.send(exchange, status, headers, body.toBuffer());
  }
}
