package dev.bazaar.gateway.auth;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

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
    for (String name : upstream.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith(RESERVED_PREFIX) || STRIPPED.contains(lower)) {
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

  /** Sets the verified identity on the headers bound upstream. */
  public static void set(MultiMap upstream, Identity identity) {
    upstream.set(SUBJECT, identity.subject());
    upstream.set(ROLES, String.join(",", new TreeSet<>(identity.roles())));
  }
}
