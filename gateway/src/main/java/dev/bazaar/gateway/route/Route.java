package dev.bazaar.gateway.route;

import dev.bazaar.gateway.auth.AuthPolicy;
import dev.bazaar.gateway.ratelimit.RateLimitPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of the route table: requests whose path is {@code prefix} or lies below it go to the
 * upstream named {@code upstream}. Per-route policies (auth, limits, retries) join this record as
 * the gateway grows.
 *
 * @param name stable name used in logs and metrics, e.g. {@code users}
 * @param prefix path prefix without trailing slash, e.g. {@code /api/v1/users}
 * @param upstream name of the upstream that serves this route
 * @param timeout time allowed until the upstream's response headers arrive
 * @param auth who may call the route
 * @param rateLimit the token bucket each client takes from, if any
 */
public record Route(
    String name,
    String prefix,
    String upstream,
    Duration timeout,
    AuthPolicy auth,
    Optional<RateLimitPolicy> rateLimit) {

  /** A public route without a rate limit. */
  public Route(String name, String prefix, String upstream, Duration timeout) {
    this(name, prefix, upstream, timeout, AuthPolicy.PUBLIC, Optional.empty());
  }

  public Route {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(rateLimit, "rateLimit");
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
  }

  /**
   * Whether {@code path} is this route's prefix or lies below it on a segment boundary: {@code
   * /api/v1/users} and {@code /api/v1/users/me} match {@code /api/v1/users}, {@code /api/v1/usersX}
   * does not.
   */
  public boolean matches(String path) {
    if (!path.startsWith(prefix)) {
      return false;
    }
    return path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
  }
}
