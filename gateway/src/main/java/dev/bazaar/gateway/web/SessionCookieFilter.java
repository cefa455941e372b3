package dev.bazaar.gateway.web;

import dev.bazaar.gateway.auth.AuthFilter;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * Lets the pages call the API with the session cookie instead of a bearer header: a request without
 * {@code Authorization} that carries the cookie gets {@code Authorization: Bearer <cookie>} before
 * {@link AuthFilter} checks it, so every route policy, the rate limits and the services' own checks
 * apply unchanged. The cookie itself is not forwarded.
 *
 * <p>A cookie is sent by the browser whatever page started the request, so a state-changing request
 * authenticated by it must come from our own pages: {@code Sec-Fetch-Site: same-origin}, or (older
 * browsers) an {@code Origin} equal to the request's host. {@code SameSite=Strict} already keeps
 * other sites' requests from carrying the cookie; this check is the second lock.
 */
@Singleton
public class SessionCookieFilter implements GatewayFilter {

  /** After routing, just before the token is checked. */
  public static final int ORDER = AuthFilter.ORDER - 10;

  private static final Set<HttpMethod> SAFE =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final WebConfig config;

  public SessionCookieFilter(WebConfig config) {
    this.config = config;
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    HttpServerRequest request = exchange.request();
    List<String> cookies = request.headers().getAll(HttpHeaders.COOKIE);
    if (cookies.isEmpty()) {
      chain.proceed(exchange);
      return;
    }
    String token = SessionCookies.read(request, config.cookieName());
    String rest = SessionCookies.without(cookies, config.cookieName());
    if (rest == null) {
      exchange.upstreamHeaders().remove(HttpHeaders.COOKIE);
    } else {
      exchange.upstreamHeaders().set(HttpHeaders.COOKIE, rest);
    }
    if (token == null || request.headers().contains(HttpHeaders.AUTHORIZATION)) {
      chain.proceed(exchange);
      return;
    }
    if (!SAFE.contains(request.method()) && !sameOrigin(request)) {
      exchange.reject(
          Problem.of(
              ProblemType.FORBIDDEN,
              "A request that changes data with the session cookie must come from Bazaar's own"
                  + " pages."));
      return;
    }
    String bearer = "Bearer " + token;
    request.headers().set(HttpHeaders.AUTHORIZATION, bearer);
    exchange.upstreamHeaders().set(HttpHeaders.AUTHORIZATION, bearer);
    chain.proceed(exchange);
  }

  static boolean sameOrigin(HttpServerRequest request) {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null) {
      return site.equals("same-origin");
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    String host = request.getHeader(HttpHeaders.HOST);
    if (origin == null || host == null) {
      return false;
    }
    try {
      URI uri = URI.create(origin);
      String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return host.equalsIgnoreCase(originHost);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
