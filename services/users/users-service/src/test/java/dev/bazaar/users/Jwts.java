package dev.bazaar.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.users.tokens.SigningKeys;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtSignatureBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the claims of a token the service issued (its signature is checked by the service). */
final class Jwts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Jwts() {}

  /**
   * A customer token for {@code sub} signed RS256 with users' own key {@code signer}, with the
   * given JOSE headers ({@code typ} among them): valid in every way but the one under test.
   */
  static String signedWithUsersKey(
      SigningKeys.Signer signer, String sub, Map<String, String> headers) {
    JwtSignatureBuilder jws =
        Jwt.issuer("https://bazaar.local/users")
            .audience("bazaar")
            .subject(sub)
            .groups(Set.of("customer"))
            .expiresAt(Instant.now().plusSeconds(300))
            .jws();
    headers.forEach(jws::header);
    return jws.keyId(signer.kid()).sign(signer.privateKey());
  }

  static List<String> groups(String token) {
    JsonNode claims = claims(token);
    List<String> groups = new ArrayList<>();
    claims.path("groups").forEach(g -> groups.add(g.asText()));
    return groups;
  }

  static JsonNode header(String token) {
    return part(token, 0);
  }

  static JsonNode claims(String token) {
    return part(token, 1);
  }

  private static JsonNode part(String token, int index) {
    String[] parts = token.split("\\.");
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(parts[index]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
