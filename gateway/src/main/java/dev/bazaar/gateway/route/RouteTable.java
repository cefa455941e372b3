package dev.bazaar.gateway.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The routes of the gateway, matched longest prefix first. Immutable. */
public final class RouteTable {

  private final List<Route> routes;

  public RouteTable(List<Route> routes) {
    Set<String> prefixes = new HashSet<>();
    for (Route route : routes) {
      if (!prefixes.add(route.prefix())) {
        throw new IllegalArgumentException(
            "prefix " + route.prefix() + " is claimed by more than one route");
      }
    }
    List<Route> sorted = new ArrayList<>(routes);
    // Longest prefix first so that a more specific route wins over a general one.
    sorted.sort(
        Comparator.comparingInt((Route r) -> r.prefix().length())
            .reversed()
            .thenComparing(Route::name));
    this.routes = List.copyOf(sorted);
  }

  /** The most specific route for {@code path}, if any. */
  public Optional<Route> match(String path) {
    for (Route route : routes) {
      if (route.matches(path)) {
        return Optional.of(route);
      }
    }
    return Optional.empty();
  }

  public List<Route> routes() {
    return routes;
  }
}
