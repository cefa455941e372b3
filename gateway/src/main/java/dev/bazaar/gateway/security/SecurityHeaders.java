package dev.bazaar.gateway.security;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Hardening headers on every response the gateway writes, its own and the upstreams' alike, and
 * {@code Location} headers that never show an internal address.
 *
 * <ul>
 *   <li>{@code X-Content-Type-Options: nosniff} and {@code X-Frame-Options: DENY}, always.
 *   <li>{@code Referrer-Policy: no-referrer} and {@code Content-Security-Policy: frame-ancestors
 *       'none'} unless the response brings its own (a storefront page may); a policy without {@code
 *       frame-ancestors} gets it added.
 *   <li>{@code Strict-Transport-Security} on responses over TLS only.
 *   <li>An absolute {@code Location} naming another authority than the request's {@code Host} (an
 *       upstream's {@code 127.0.0.1:8081}) is cut down to its path and query, a relative reference
 *       the client resolves against the gateway (RFC 9110 §10.2.2).
 * </ul>
 *
 * The connection-level 400s of {@code StrictFraming} carry {@link #ALWAYS} as well.
 */
@Singleton
public class SecurityHeaders {

  /** The headers every response carries (the first two may be replaced by the response's own). */
  public static final Map<String, String> ALWAYS;

  static {
    Map<String, String> always = new LinkedHashMap<>();
    always.put("Referrer-Policy", "no-referrer");
    always.put("Content-Security-Policy", "frame-ancestors 'none'");
    always.put("X-Content-Type-Options", "nosniff");
    always.put("X-Frame-Options", "DENY");
    ALWAYS = java.util.Collections.unmodifiableMap(always);
  }

  private static final String CSP = "Content-Security-Policy";

  private final String hsts;

  public SecurityHeaders(SecurityConfig config) {
    this.hsts = "max-age=" + config.hstsMaxAge().toSeconds();
  }

  /** First of all routes, so that every response passes through the headers-end hook. */
  void mount(@Observes Router router) {
    router.route().order(Integer.MIN_VALUE).handler(this::hook);
  }

  private void hook(RoutingContext context) {
    context.addHeadersEndHandler(v -> apply(context));
    context.next();
  }

  private void apply(RoutingContext context) {
    MultiMap headers = context.response().headers();
    apply(
        headers,
        context.request().isSSL() ? hsts : null,
        context.request().authority() == null ? null : context.request().authority().toString());
  }

  /**
   * Sets the headers on {@code headers}.
   *
   * @param hsts the {@code Strict-Transport-Security} value, {@code null} when not over TLS
   * @param requestAuthority the request's {@code Host}, to tell an internal {@code Location}
   */
  static void apply(MultiMap headers, String hsts, String requestAuthority) {
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    if (!headers.contains("Referrer-Policy")) {
      headers.set("Referrer-Policy", ALWAYS.get("Referrer-Policy"));
    }
    String csp = headers.get(CSP);
    if (csp == null || csp.isBlank()) {
      headers.set(CSP, ALWAYS.get(CSP));
    } else if (!csp.toLowerCase(Locale.ROOT).contains("frame-ancestors")) {
      headers.set(CSP, csp + "; frame-ancestors 'none'");
    }
    if (hsts != null) {
      headers.set("Strict-Transport-Security", hsts);
    }
    String location = headers.get("Location");
    if (location != null) {
      String rewritten = publicLocation(location, requestAuthority);
      if (!rewritten.equals(location)) {
        headers.set("Location", rewritten);
      }
    }
  }

  /**
   * {@code location} as the client may see it: unchanged when relative or on the request's own
   * authority, else its path, query and fragment.
   */
  static String publicLocation(String location, String requestAuthority) {
    URI uri;
    try {
      uri = new URI(location.strip());
    } catch (java.net.URISyntaxException e) {
      // Not a URI we can read: better none than one that might point inside.
      return "/";
    }
    if (uri.getRawAuthority() == null) {
      return location;
    }
    if (requestAuthority != null && uri.getRawAuthority().equalsIgnoreCase(requestAuthority)) {
      return location;
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    // "//host/x" would be read as a network-path reference to another host.
    path = "/" + path.replaceFirst("^/+", "");
    StringBuilder relative = new StringBuilder(path);
    if (uri.getRawQuery() != null) {
      relative.append('?').append(uri.getRawQuery());
    }
    if (uri.getRawFragment() != null) {
      relative.append('#').append(uri.getRawFragment());
    }
    return relative.toString();
  }
}
