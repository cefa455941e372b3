package dev.bazaar.gateway.route;

import dev.bazaar.gateway.auth.AuthPolicy;
import dev.bazaar.gateway.ratelimit.RateLimitPolicy;
import dev.bazaar.gateway.resilience.RetryPolicy;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One entry of the route table: requests whose path is {@code prefix} or lies below it, and whose
 * method is one of {@code methods} (any method when empty), go to the upstream named {@code
 * upstream}.
 *
 * @param name stable name used in logs and metrics, e.g. {@code users}
 * @param prefix path prefix without trailing slash, e.g. {@code /api/v1/users}
 * @param methods upper-case HTTP methods the route serves; empty: every method
 * @param upstream name of the upstream that serves this route
 * @param timeout time allowed until the upstream's response headers arrive
 * @param auth who may call the route
 * @param rateLimit the token bucket each client takes from, if any
 * @param retry which failed attempts are retried on another instance
 */
public record Route(
    String name,
    String prefix,
    Set<String> methods,
    String upstream,
    Duration timeout,
    AuthPolicy auth,
    Optional<RateLimitPolicy> rateLimit,
    RetryPolicy retry) {

  /** The methods a route may name. */
  public static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

  /** A public route for every method, without a rate limit, with the default retries. */
  public Route(String name, String prefix, String upstream, Duration timeout) {
    this(
        name,
        prefix,
        Set.of(),
        upstream,
        timeout,
        AuthPolicy.PUBLIC,
        Optional.empty(),
        RetryPolicy.IDEMPOTENT);
  }

  public Route {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(methods, "methods");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(retry, "retry");
    if (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
      throw new IllegalArgumentException(
          "route "
              + name
              + ": prefix must start with '/' and not end with '/', but was '"
              + prefix
              + "'");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "route " + name + ": timeout must be positive, but was " + timeout);
    }
    for (String method : methods) {
      if (!KNOWN_METHODS.contains(method)) {
        throw new IllegalArgumentException("route " + name + ": unknown method '" + method + "'");
      }
    }
    methods = Set.copyOf(methods);
  }

  /**
   * Parses a configured method list: names are trimmed and upper-cased; blank entries are ignored.
   *
   * @throws IllegalArgumentException naming the first unknown method and the accepted ones
   */
  public static Set<String> parseMethods(Iterable<String> configured) {
    Set<String> methods = new TreeSet<>();
    for (String raw : configured) {
      String method = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT);
      if (method.isEmpty()) {
        continue;
      }
      if (!KNOWN_METHODS.contains(method)) {
        throw new IllegalArgumentException(
            "must list HTTP methods out of "
                + new TreeSet<>(KNOWN_METHODS)
                + ", but contained '"
                + raw.trim()
                + "'");
      }
      methods.add(method);
    }
    return methods;
  }

  /**
   * Whether {@code path} is this route's prefix or lies below it on a segment boundary: {@code
   * /api/v1/users} and {@code /api/v1/users/me} match {@code /api/v1/users}, {@code /api/v1/usersX}
   * does not.
   */
  public boolean matches(String path) {
    return underPrefix(prefix, path);
  }

  /** Whether the route serves {@code method} (an upper-case method name). */
  public boolean allows(String method) {
    return methods.isEmpty() || methods.contains(method);
  }

  /** Whether {@code path} is {@code prefix} or lies below it on a segment boundary. */
  public static boolean underPrefix(String prefix, String path) {
    if (!path.startsWith(prefix)) {
      return false;
    }
    return path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
  }
}
