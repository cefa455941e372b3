package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.route.Route;
import dev.bazaar.gateway.route.RoutePaths;
import dev.bazaar.gateway.route.RouteTable;
import dev.bazaar.gateway.upstream.Upstreams;
import jakarta.inject.Singleton;

/**
 * Resolves the route and upstream of an exchange by method and canonical path ({@link RoutePaths}),
 * or answers 404 (no route covers the path) or 405 (routes cover it, but none serves the method).
 */
@Singleton
public class RoutingFilter implements GatewayFilter {

  private final RouteTable routes;
  private final Upstreams upstreams;

  public RoutingFilter(RouteTable routes, Upstreams upstreams) {
    this.routes = routes;
    this.upstreams = upstreams;
  }

  @Override
  public int order() {
    return ORDER_ROUTING;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    String method = exchange.request().method().name();
    // Routes are chosen by the canonical path, so that no spelling of a path escapes its route's
    // policies (RoutePaths); the path forwarded is the request's own.
    switch (routes.match(method, RoutePaths.canonical(exchange.path()))) {
      case RouteTable.Found found -> {
        Route route = found.route();
        exchange.route(route, upstreams.get(route.upstream()));
      }
      case RouteTable.MethodNotAllowed notAllowed -> {
        exchange.reject(
            Problem.of(
                    ProblemType.METHOD_NOT_ALLOWED,
                    "No route serves "
                        + method
                        + " "
                        + exchange.path()
                        + "; allowed: "
                        + String.join(", ", notAllowed.allowed())
                        + ".")
                .withHeader("Allow", String.join(", ", notAllowed.allowed())));
        return;
      }
      case RouteTable.NotFound notFound -> {
        exchange.reject(
            Problem.of(
                ProblemType.NOT_FOUND, "No route matches " + method + " " + exchange.path() + "."));
        return;
      }
    }
    chain.proceed(exchange);
  }
}
