package dev.bazaar.gateway.web;

import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the session cookie. The cookie holds the access token itself (a signed JWT, 15
 * min), so the gateway stays stateless; {@code HttpOnly} keeps it away from page scripts, {@code
 * SameSite=Strict} keeps other sites' pages from sending it.
 */
final class SessionCookies {

  private SessionCookies() {}

  /** The value of cookie {@code name} in the request's {@code Cookie} headers, or null. */
  static String read(HttpServerRequest request, String name) {
    for (String header : request.headers().getAll("Cookie")) {
      for (String part : header.split(";")) {
        String pair = part.strip();
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          String value = pair.substring(eq + 1).strip();
          return value.isEmpty() ? null : value;
        }
      }
    }
    return null;
  }

  /** The {@code Cookie} header without cookie {@code name}, or null when nothing else is left. */
  static String without(List<String> headers, String name) {
    List<String> kept = new ArrayList<>();
    for (String header : headers) {
      for (String part : header.split(";")) {
        String pair = part.strip();
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        if (!pair.isEmpty() && !key.equals(name)) {
          kept.add(pair);
        }
      }
    }
    return kept.isEmpty() ? null : String.join("; ", kept);
  }

  static String set(String name, String token, long maxAgeSeconds, boolean secure) {
    return name
        + "="
        + token
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  static String clear(String name, boolean secure) {
    return name + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }

  /** Whether the browser reached us over TLS (directly, or through a proxy that says so). */
  static boolean secure(HttpServerRequest request) {
    return request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
  }
}
