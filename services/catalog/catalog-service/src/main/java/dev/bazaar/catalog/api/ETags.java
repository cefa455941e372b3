package dev.bazaar.catalog.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Strong entity tags of response bodies and the {@code If-None-Match} check (RFC 9110 13.1.2: weak
 * comparison, so {@code W/"x"} matches {@code "x"}, and {@code *} matches any body).
 */
final class ETags {

  private ETags() {}

  /** The quoted tag of a body: the first 128 bits of its SHA-256, base64url. */
  static String of(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      byte[] half = java.util.Arrays.copyOf(digest, 16);
      return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(half) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static String of(String body) {
    return of(body.getBytes(StandardCharsets.UTF_8));
  }

  /** True when {@code ifNoneMatch} names {@code etag} (or is {@code *}). */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.strip();
      if (c.equals("*")) {
        return true;
      }
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
