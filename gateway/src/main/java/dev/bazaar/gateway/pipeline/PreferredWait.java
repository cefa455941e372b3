package dev.bazaar.gateway.pipeline;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;

/**
 * How much longer than its route's timeout a request may wait for the upstream's answer because the
 * client asked the upstream to hold it: {@code Prefer: wait=N} (RFC 7240), as orders does for
 * {@code GET /api/v1/orders/{id}}. Capped at {@link #LONGEST_SECONDS}, the longest wait any
 * upstream honours, so a client cannot hold a gateway connection open longer than that.
 */
final class PreferredWait {

  static final int LONGEST_SECONDS = 30;

  private PreferredWait() {}

  /** Extra nanoseconds to allow: 0 without a well-formed wait preference. */
  static long extraNanos(HttpServerRequest request) {
    List<String> headers = request.headers().getAll("Prefer");
    if (headers.isEmpty()) {
      return 0;
    }
    for (String header : headers) {
      for (String preference : header.split(",")) {
        String token = preference.split(";", 2)[0].trim();
        int eq = token.indexOf('=');
        if (eq < 0 || !token.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("wait")) {
          continue;
        }
        String value = token.substring(eq + 1).trim().replace("\"", "");
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
          return 0;
        }
        return Math.min(Long.parseLong(value), LONGEST_SECONDS) * 1_000_000_000L;
      }
    }
    return 0;
  }
}
