package dev.bazaar.gateway.health;

import dev.bazaar.gateway.route.RouteTable;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the route table is built and the HTTP server answers. Deliberately independent of the
 * upstreams: a missing service yields 503 on its routes, not an unready gateway.
 */
@Readiness
@Singleton
public class RouteTableReadiness implements HealthCheck {

  private final RouteTable routes;

  public RouteTableReadiness(RouteTable routes) {
    this.routes = routes;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("gateway-routes")
        .up()
        .withData("routes", routes.routes().size())
        .build();
  }
}
