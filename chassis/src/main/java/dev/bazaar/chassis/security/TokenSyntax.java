package dev.bazaar.chassis.security;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The form of a bearer token, checked before SmallRye JWT sees it (RFC 8725): a compact JWS of
 * three parts, not a JWE (§3.6: Bazaar encrypts no tokens, so nothing is ever decrypted or
 * decompressed), without a {@code zip} header (compression is JWE's alone), whose header and claims
 * are strict UTF-8 (§3.7). jose4j, under SmallRye JWT, decodes with {@code new String(bytes,
 * UTF_8)}, which reads malformed bytes as U+FFFD, so two different signed byte strings could read
 * as the same claim. What is not base64 or not JSON is left to the signature check, which refuses
 * it anyway. Plain Java.
 */
public final class TokenSyntax {

  private TokenSyntax() {}

  /** Why {@code token} is refused by its form, or {@code null} when its form is a JWS's. */
  public static String violation(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length == 5) {
      return "the token is encrypted (JWE); access tokens are signed JWTs only";
    }
    if (parts.length != 3) {
      return null;
    }
    String header;
    try {
      header = utf8(parts[0]);
      utf8(parts[1]);
    } catch (CharacterCodingException e) {
      return "the token header or claims are not UTF-8";
    } catch (IllegalArgumentException e) {
      return null;
    }
    try {
      if (new JsonObject(header).containsKey("zip")) {
        return "the token is compressed (zip), which no access token is";
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }

  private static String utf8(String part) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(part)))
        .toString();
  }
}
