package dev.bazaar.chassis.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** RFC 8725 §3.6 and §3.7 on the form of a bearer token, before its signature is checked. */
class TokenSyntaxTest {

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static final String HEADER = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}");

  @Test
  void aJwsWithUtf8ClaimsPasses() {
    assertThat(
            TokenSyntax.violation(
                HEADER + "." + b64("{\"sub\":\"1\",\"name\":\"Zoë 日本\"}") + ".c2ln"))
        .isNull();
  }

  @Test
  void claimsOrHeadersThatAreNotUtf8AreRefused() {
    byte[] latin1 = "{\"sub\":\"1\",\"name\":\"Zoë\"}".getBytes(StandardCharsets.ISO_8859_1);
    byte[] overlong = {'{', '"', 's', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
    byte[] surrogate = {
      '{', '"', 's', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'
    };
    for (byte[] claims : new byte[][] {latin1, overlong, surrogate}) {
      assertThat(TokenSyntax.violation(HEADER + "." + b64(claims) + ".c2ln"))
          .isEqualTo("the token header or claims are not UTF-8");
    }
    assertThat(TokenSyntax.violation(b64(latin1) + "." + b64("{}") + ".c2ln"))
        .isEqualTo("the token header or claims are not UTF-8");
  }

  @Test
  void aCompressedJwsOrAJweIsRefused() {
    String zip = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"zip\":\"DEF\"}");
    assertThat(TokenSyntax.violation(zip + "." + b64("{}") + ".c2ln"))
        .isEqualTo("the token is compressed (zip), which no access token is");
    String jwe = b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"zip\":\"DEF\"}");
    assertThat(TokenSyntax.violation(jwe + ".a2V5.aXY.Y2lwaGVy.dGFn"))
        .isEqualTo("the token is encrypted (JWE); access tokens are signed JWTs only");
  }

  @Test
  void whatIsNotBase64OrJsonIsLeftToTheSignatureCheck() {
    assertThat(TokenSyntax.violation("not a token")).isNull();
    assertThat(TokenSyntax.violation("%%%." + b64("{}") + ".c2ln")).isNull();
    assertThat(TokenSyntax.violation(b64("not json") + "." + b64("{}") + ".c2ln")).isNull();
  }
}
