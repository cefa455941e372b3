package dev.bazaar.gateway.route;

/**
 * The form of a request path that routes are chosen by. Upstreams read paths leniently: JAX-RS
 * drops {@code ;params}, and servers may fold case, repeated slashes or a trailing slash. Were
 * routes matched on the raw path, {@code /api/v1/auth/token;x=1} would miss the login route (and
 * its strict rate limit and auth policy) yet still reach the login endpoint. Matching on the
 * canonical form puts every such variant under the route of the path it stands for; the path
 * forwarded upstream is left as it was.
 */
public final class RoutePaths {

  private RoutePaths() {}

  /**
   * {@code path} lower-cased (ASCII), without {@code ;params} in any segment, with runs of {@code
   * /} collapsed and without a trailing {@code /} (except for the root).
   */
  public static String canonical(String path) {
    StringBuilder out = new StringBuilder(path.length());
    boolean inParams = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/') {
        inParams = false;
        if (out.length() > 0 && out.charAt(out.length() - 1) == '/') {
          continue;
        }
        out.append('/');
      } else if (c == ';') {
        inParams = true;
      } else if (!inParams) {
        out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
      }
    }
    if (out.length() > 1 && out.charAt(out.length() - 1) == '/') {
      out.setLength(out.length() - 1);
    }
    if (out.length() == 0) {
      out.append('/');
    }
    return out.toString();
  }
}
