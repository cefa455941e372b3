package dev.bazaar.testing;

import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Test identities: a key pair generated per test JVM, its JWKS written to a file the service under
 * test verifies against, and tokens signed with it like the users service signs them.
 */
public final class TestTokens {

  public static final String ISSUER = "https://bazaar.local/users";
  public static final String AUDIENCE = "bazaar";
  private static final String KID = "test-" + UUID.randomUUID();
  private static final KeyPair KEYS = generate();
  private static Path jwksFile;

  private TestTokens() {}

  /**
   * The config that points a service at the test JWKS. Public because {@link InfraResource} and
   * this class can end up in different class loaders under {@code @QuarkusTest}, where a
   * package-private call fails with IllegalAccessError.
   */
  public static synchronized Map<String, String> config() {
    try {
      if (jwksFile == null) {
        jwksFile = Files.createTempFile("bazaar-test-jwks", ".json");
        Files.writeString(jwksFile, jwks());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Map.of("bazaar.jwks-url", jwksFile.toUri().toString());
  }

  /** A valid customer token for {@code userId}. */
  public static String customer(UUID userId) {
    return token(userId, Set.of("customer"), Duration.ofMinutes(15));
  }

  /** A token that expired a while ago. */
  public static String expired(UUID userId) {
    Instant past = Instant.now().minus(Duration.ofHours(1));
    return Jwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(userId.toString())
        .groups(Set.of("customer"))
        .issuedAt(past.minusSeconds(900))
        .expiresAt(past)
        .jws()
        .keyId(KID)
        .sign(KEYS.getPrivate());
  }

  public static String token(UUID userId, Set<String> groups, Duration ttl) {
    Instant now = Instant.now();
    return Jwt.issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(userId.toString())
        .groups(groups)
        .claim("email", userId + "@example.test")
        .issuedAt(now)
        .expiresAt(now.plus(ttl))
        .jws()
        .keyId(KID)
        .sign(KEYS.getPrivate());
  }

  /** A token with {@code alg: none}: must be rejected everywhere. */
  public static String unsigned(UUID userId) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    long exp = Instant.now().plusSeconds(600).getEpochSecond();
    String payload =
        b64.encodeToString(
            ("{\"iss\":\""
                    + ISSUER
                    + "\",\"aud\":\""
                    + AUDIENCE
                    + "\",\"sub\":\""
                    + userId
                    + "\",\"groups\":[\"customer\"],\"exp\":"
                    + exp
                    + "}")
                .getBytes());
    return header + "." + payload + ".";
  }

  private static String jwks() {
    RSAPublicKey pub = (RSAPublicKey) KEYS.getPublic();
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\""
        + KID
        + "\",\"n\":\""
        + b64.encodeToString(unsigned(pub.getModulus().toByteArray()))
        + "\",\"e\":\""
        + b64.encodeToString(unsigned(pub.getPublicExponent().toByteArray()))
        + "\"}]}";
  }

  private static byte[] unsigned(byte[] bytes) {
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] out = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, out, 0, out.length);
      return out;
    }
    return bytes;
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
