package dev.bazaar.gateway.pipeline;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Headers that describe one connection rather than the message (RFC 9110 section 7.6.1) and so must
 * not cross the gateway, in either direction.
 */
public final class HopByHopHeaders {

  private static final String[] NAMES = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization"
  };

  private HopByHopHeaders() {}

  /** Whether {@code name} is hop-by-hop by definition ({@code Proxy-*} included). */
  public static boolean isHopByHop(String name) {
    // Case-insensitive without a lower-cased copy: this runs for every header in both directions.
    if (name.regionMatches(true, 0, "proxy-", 0, 6)) {
      return true;
    }
    for (String hop : NAMES) {
      if (hop.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Copies every end-to-end header from {@code from} to {@code to}: hop-by-hop headers, headers
   * named in {@code Connection} and the lowercase names in {@code skip} stay behind.
   */
  public static void copyEndToEnd(MultiMap from, MultiMap to, Set<String> skip) {
    Set<String> nominated = from.contains("Connection") ? connectionTokens(from) : Set.of();
    for (Map.Entry<String, String> header : from) {
      String name = header.getKey();
      if (isHopByHop(name)
          || (!nominated.isEmpty() && nominated.contains(name.toLowerCase(Locale.ROOT)))
          || containsIgnoreCase(skip, name)) {
        continue;
      }
      to.add(name, header.getValue());
    }
  }

  private static boolean containsIgnoreCase(Set<String> lowercase, String name) {
    for (String s : lowercase) {
      if (s.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** The lowercase header names a sender listed in its {@code Connection} header(s). */
  static Set<String> connectionTokens(MultiMap headers) {
    Set<String> tokens = null;
    for (String value : headers.getAll("Connection")) {
      // The common values name no header: nothing to collect (this runs for most responses).
      if (value.equalsIgnoreCase("keep-alive") || value.equalsIgnoreCase("close")) {
        continue;
      }
      for (String token : value.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          if (tokens == null) {
            tokens = new HashSet<>();
          }
          tokens.add(t);
        }
      }
    }
    return tokens == null ? Set.of() : tokens;
  }
}
