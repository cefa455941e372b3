package dev.bazaar.gateway.route;

import dev.bazaar.gateway.auth.AuthPolicy;
import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.config.RoutesFile;
import dev.bazaar.gateway.ratelimit.RateLimitPolicies;
import dev.bazaar.gateway.upstream.Upstreams;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Builds the route table from configuration and refuses to start on a dangling upstream name, an
 * unknown method, auth or rate-limit policy, naming the key.
 */
@Singleton
public class RouteTableProducer {

  @Produces
  @Singleton
  RouteTable routeTable(GatewayConfig config, Upstreams upstreams) {
    List<Route> routes = new ArrayList<>();
    RateLimitPolicies limits = RateLimitPolicies.from(config.rateLimits());
    for (Map.Entry<String, GatewayConfig.RouteConfig> entry : config.routes().entrySet()) {
      GatewayConfig.RouteConfig rc = entry.getValue();
      if (config.routesFile().isPresent() && !definedInRoutesFile(entry.getKey())) {
        // With a routes file, the route table is exactly the file's routes.
        continue;
      }
      if (!upstreams.contains(rc.upstream())) {
        throw new IllegalStateException(
            "route "
                + entry.getKey()
                + " points at upstream '"
                + rc.upstream()
                + "', but only "
                + upstreams.names()
                + " are configured under bazaar.gateway.upstream");
      }
      String key = "bazaar.gateway.routes." + entry.getKey();
      AuthPolicy auth;
      try {
        auth = AuthPolicy.parse(rc.auth());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ".auth " + e.getMessage(), e);
      }
      Set<String> methods;
      try {
        methods = Route.parseMethods(rc.methods().orElse(List.of()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + ".methods " + e.getMessage(), e);
      }
      var rateLimit =
          rc.rateLimit().isPresent()
              ? limits.resolve(rc.rateLimit().get(), key + ".rate-limit")
              : limits.resolve(config.defaultRateLimit(), "bazaar.gateway.default-rate-limit");
      routes.add(
          new Route(
              entry.getKey(),
              rc.prefix(),
              methods,
              rc.upstream(),
              rc.timeout().orElse(config.defaultTimeout()),
              auth,
              rateLimit,
              rc.retry()));
    }
    return new RouteTable(routes);
  }

  private static boolean definedInRoutesFile(String route) {
    return RoutesFile.fromRoutesFile(
        ConfigProvider.getConfig().getConfigValue("bazaar.gateway.routes." + route + ".prefix"));
  }
}
