package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.route.Route;
import dev.bazaar.gateway.route.RouteTable;
import dev.bazaar.gateway.upstream.Upstreams;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Resolves the route and upstream of an exchange, or answers 404. */
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
    Optional<Route> route = routes.match(exchange.path());
    if (route.isEmpty()) {
      exchange.reject(
          Problem.of(
              ProblemType.NOT_FOUND,
              "No route matches "
                  + exchange.request().method().name()
                  + " "
                  + exchange.path()
                  + "."));
      return;
    }
    exchange.route(route.get(), upstreams.get(route.get().upstream()));
    chain.proceed(exchange);
  }
}
