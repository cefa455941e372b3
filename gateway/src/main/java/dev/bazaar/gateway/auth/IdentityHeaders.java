package dev.bazaar.gateway.auth;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The headers that carry the caller's identity upstream. Only the gateway sets them: whatever a
 * client sends under these names (and under the whole {@code X-Bazaar-} namespace, and under the
 * names other proxies use for the same purpose) is dropped before forwarding.
 */
public final class IdentityHeaders {

  /** The verified {@code sub} claim (the user id). */
  public static final String SUBJECT = "X-Bazaar-Subject";

  /** The verified {@code groups} claim, sorted and comma-separated; empty when there are none. */
  public static final String ROLES = "X-Bazaar-Roles";

  private static final CharSequence SUBJECT_NAME = HttpHeaders.createOptimized(SUBJECT);
  private static final CharSequence ROLES_NAME = HttpHeaders.createOptimized(ROLES);

  /** Every request header starting with this belongs to the gateway. */
  static final String RESERVED_PREFIX = "x-bazaar-";

  /** Identity headers of other proxies and frameworks that a service might be tempted to trust. */
  public static final Set<String> STRIPPED =
      Set.of(
          "x-user-id",
          "x-user",
          "x-user-roles",
          "x-roles",
          "x-forwarded-user",
          "x-forwarded-email",
          "x-forwarded-groups",
          "x-auth-user",
          "x-auth-request-user",
          "x-auth-request-email",
          "x-auth-request-groups",
          "x-authenticated-user",
          "x-authenticated-userid",
          "x-remote-user",
          "remote-user");

  private IdentityHeaders() {}

  /** Removes client-sent identity headers from the headers bound upstream. */
  public static void strip(MultiMap upstream) {
    List<String> doomed = null;
    for (Map.Entry<String, String> header : upstream) {
      String name = header.getKey();
      if (isIdentityHeader(name)) {
        if (doomed == null) {
          doomed = new ArrayList<>(2);
        }
        doomed.add(name);
      }
    }
    if (doomed != null) {
      doomed.forEach(upstream::remove);
    }
  }

  /** Whether a client may not send {@code name}: the gateway's namespace or a known identity. */
  static boolean isIdentityHeader(String name) {
    if (name.isEmpty()) {
      return false;
    }
    // Every stripped name starts with "x-" or "remote-": most headers are ruled out here, without
    // a lower-cased copy (this runs for each request header).
    char first = name.charAt(0);
    if (first != 'x' && first != 'X' && first != 'r' && first != 'R') {
      return false;
    }
    return name.regionMatches(true, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length())
        || STRIPPED.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Sets the verified identity on the headers bound upstream. */
  public static void set(MultiMap upstream, Identity identity) {
    upstream.set(SUBJECT_NAME, identity.subject());
    upstream.set(ROLES_NAME, identity.rolesHeader());
  }
}
