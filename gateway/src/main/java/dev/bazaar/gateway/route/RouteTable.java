package dev.bazaar.gateway.route;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The routes of the gateway. A request goes to the route with the longest prefix among those whose
 * methods include the request's; on the same prefix, a route that lists methods wins over one that
 * serves every method. Immutable.
 */
public final class RouteTable {

  /** What matching a request found. */
  public sealed interface Match {}

  /** A route serves the request. */
  public record Found(Route route) implements Match {}

  /** Routes cover the path, but none serves the method; {@code allowed} are the methods they do. */
  public record MethodNotAllowed(SortedSet<String> allowed) implements Match {}

  /** No route covers the path. */
  public record NotFound() implements Match {}

  private static final NotFound NOT_FOUND = new NotFound();

  private final List<Route> routes;

  public RouteTable(List<Route> routes) {
    for (int i = 0; i < routes.size(); i++) {
      for (int j = i + 1; j < routes.size(); j++) {
        checkNotAmbiguous(routes.get(i), routes.get(j));
      }
    }
    List<Route> sorted = new ArrayList<>(routes);
    // Longest prefix first so that a more specific route wins over a general one; on the same
    // prefix a route restricted to some methods comes before the catch-all.
    sorted.sort(
        Comparator.comparingInt((Route r) -> r.prefix().length())
            .reversed()
            .thenComparing(r -> r.methods().isEmpty())
            .thenComparing(Route::name));
    this.routes = List.copyOf(sorted);
  }

  private static void checkNotAmbiguous(Route a, Route b) {
    if (!a.prefix().equals(b.prefix())) {
      return;
    }
    if (a.methods().isEmpty() && b.methods().isEmpty()) {
      throw new IllegalArgumentException(
          "prefix "
              + a.prefix()
              + " is claimed by more than one route ("
              + a.name()
              + ", "
              + b.name()
              + "); give them disjoint methods");
    }
    Set<String> common = new TreeSet<>(a.methods());
    common.retainAll(b.methods());
    if (!common.isEmpty()) {
      throw new IllegalArgumentException(
          "prefix "
              + a.prefix()
              + " with methods "
              + common
              + " is claimed by more than one route ("
              + a.name()
              + ", "
              + b.name()
              + ")");
    }
  }

  /** The route that serves {@code method} (upper-case) on {@code path}, or why there is none. */
  public Match match(String method, String path) {
    boolean covered = false;
    for (Route route : routes) {
      if (route.matches(path)) {
        if (route.allows(method)) {
          return new Found(route);
        }
        covered = true;
      }
    }
    if (!covered) {
      return NOT_FOUND;
    }
    // Rare (a 405): collect what the covering routes serve.
    TreeSet<String> allowed = new TreeSet<>();
    for (Route route : routes) {
      if (route.matches(path)) {
        allowed.addAll(route.methods());
      }
    }
    return new MethodNotAllowed(Collections.unmodifiableSortedSet(allowed));
  }

  /** The route that serves {@code method} on {@code path}, if any. */
  public Optional<Route> route(String method, String path) {
    return match(method, path) instanceof Found found
        ? Optional.of(found.route())
        : Optional.empty();
  }

  /** Whether any route covers {@code path}, whatever its methods. */
  public boolean covers(String path) {
    for (Route route : routes) {
      if (route.matches(path)) {
        return true;
      }
    }
    return false;
  }

  public List<Route> routes() {
    return routes;
  }
}
