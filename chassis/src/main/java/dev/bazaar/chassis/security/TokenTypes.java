package dev.bazaar.chassis.security;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Explicit typing of access tokens (RFC 8725 §3.11): the JOSE header's {@code typ} must name an
 * access token, so that another kind of JWT signed by the same issuer (an ID token, a future email
 * link) is never taken for one. SmallRye JWT checks signature, issuer, audience and expiry but not
 * {@code typ}; this is the check services add in front of it. Plain Java.
 */
public final class TokenTypes {

  private final Set<String> accepted;

  /**
   * @param accepted the {@code typ} values taken, e.g. {@code JWT} and {@code at+jwt}
   */
  public TokenTypes(Set<String> accepted) {
    this.accepted = accepted.stream().map(TokenTypes::normal).collect(Collectors.toSet());
  }

  /**
   * Why the compact JWS {@code token} is not an access token by its header, or {@code null} when
   * its {@code typ} is accepted. Anything unreadable is left to the signature check, which refuses
   * it anyway; only a readable header with a wrong or missing {@code typ} is refused here.
   */
  public String violation(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    JsonObject header;
    try {
      header =
          new JsonObject(
              new String(
                  Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return null;
    }
    if (!(header.getValue("typ") instanceof String typ) || !accepted.contains(normal(typ))) {
      return "the token is not an access token (its typ header is "
          + (header.getValue("typ") == null ? "missing" : "not accepted")
          + ")";
    }
    return null;
  }

  /** Compared without case and without an {@code application/} prefix (RFC 7515 §4.1.9). */
  static String normal(String type) {
    String t = type.strip().toLowerCase(Locale.ROOT);
    return t.startsWith("application/") ? t.substring("application/".length()) : t;
  }
}
