package dev.bazaar.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Plays the users service for the gateway tests: RSA keys by {@code kid}, a JWKS document of the
 * published ones, and tokens signed with the JDK, good or bad in one particular way.
 */
public final class TestIssuer {

  public static final String ISSUER = "https://bazaar.local/users";
  public static final String AUDIENCE = "bazaar";

  private final Map<String, KeyPair> keys = new ConcurrentHashMap<>();
  private final Set<String> published = ConcurrentHashMap.newKeySet();
  private final Map<String, JsonObject> jwkOverrides = new ConcurrentHashMap<>();
  private final AtomicInteger jwksFetches = new AtomicInteger();

  public TestIssuer() {
    publish("k1");
  }

  /** Creates the key {@code kid} (if needed) and puts it into the JWKS. */
  public TestIssuer publish(String kid) {
    keys.computeIfAbsent(kid, k -> generate());
    published.add(kid);
    return this;
  }

  /** Creates the key {@code kid} with a modulus of {@code bits} and puts it into the JWKS. */
  public TestIssuer publish(String kid, int bits) {
    keys.computeIfAbsent(kid, k -> generate(bits));
    published.add(kid);
    return this;
  }

  /**
   * Publishes {@code kid}'s JWK with {@code fields} replaced (e.g. {@code alg}, {@code use}, {@code
   * e}): a key the JWKS describes as something the token's {@code alg} does not fit.
   */
  public TestIssuer describe(String kid, JsonObject fields) {
    jwkOverrides.put(kid, fields);
    return publish(kid);
  }

  /** Takes the key {@code kid} out of the JWKS, as users does when a retired key has expired. */
  public TestIssuer withdraw(String kid) {
    published.remove(kid);
    return this;
  }

  /** Creates the key {@code kid} without publishing it. */
  public TestIssuer createUnpublished(String kid) {
    keys.computeIfAbsent(kid, k -> generate());
    return this;
  }

  public int jwksFetches() {
    return jwksFetches.get();
  }

  /** The JWKS document, counted as a fetch. */
  public String jwks() {
    jwksFetches.incrementAndGet();
    JsonArray array = new JsonArray();
    for (String kid : published) {
      RSAPublicKey pub = (RSAPublicKey) keys.get(kid).getPublic();
      array.add(
          new JsonObject()
              .put("kty", "RSA")
              .put("use", "sig")
              .put("alg", "RS256")
              .put("kid", kid)
              .put("n", b64(unsigned(pub.getModulus().toByteArray())))
              .put("e", b64(unsigned(pub.getPublicExponent().toByteArray())))
              .mergeIn(jwkOverrides.getOrDefault(kid, new JsonObject())));
    }
    return new JsonObject().put("keys", array).encode();
  }

  /** A valid token for {@code subject} with {@code roles}; adjust it before {@link Jwt#sign()}. */
  public Jwt token(String subject, String... roles) {
    return new Jwt(subject, roles);
  }

  /** A token being built; every setter breaks one property. */
  public final class Jwt {
    private final JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT");
    private final JsonObject claims = new JsonObject();
    private String kid = "k1";

    Jwt(String subject, String... roles) {
      long now = Instant.now().getEpochSecond();
      claims
          .put("iss", ISSUER)
          .put("aud", AUDIENCE)
          .put("sub", subject)
          .put("groups", new JsonArray(java.util.List.of((Object[]) roles)))
          .put("iat", now)
          .put("exp", now + 900);
    }

    public Jwt kid(String kid) {
      this.kid = kid;
      return this;
    }

    public Jwt expiresIn(Duration duration) {
      claims.put("exp", Instant.now().plus(duration).getEpochSecond());
      return this;
    }

    public Jwt claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    /** Sets the {@code typ} header; {@code null} leaves it out. */
    public Jwt typ(String typ) {
      if (typ == null) {
        header.remove("typ");
      } else {
        header.put("typ", typ);
      }
      return this;
    }

    /** Adds a JOSE header parameter. */
    public Jwt header(String name, Object value) {
      header.put(name, value);
      return this;
    }

    public Jwt withoutClaim(String name) {
      claims.remove(name);
      return this;
    }

    /** Signed with RS256 by the key {@code kid}. */
    public String sign() {
      return signPayload(claims.encode().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Signed with RS256 by the key {@code kid}, with exactly {@code payload} as the claims' bytes
     * (which need not be UTF-8 or JSON): what a broken or hostile issuer could sign.
     */
    public String signPayload(byte[] payload) {
      header.put("kid", kid);
      String input = b64(header.encode()) + "." + b64(payload);
      try {
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.get(kid).getPrivate());
        rsa.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64(rsa.sign());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** {@code alg: none} and no signature. */
    public String unsigned() {
      header.put("alg", "none").put("kid", kid);
      return b64(header.encode()) + "." + b64(claims.encode()) + ".";
    }

    /** The key-confusion attack: HS256 with the RSA public key's bytes as the HMAC secret. */
    public String hs256WithPublicKey() {
      header.put("alg", "HS256").put("kid", kid);
      String input = b64(header.encode()) + "." + b64(claims.encode());
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keys.get(kid).getPublic().getEncoded(), "HmacSHA256"));
        return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static KeyPair generate() {
    return generate(2048);
  }

  private static KeyPair generate(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] unsigned(byte[] twosComplement) {
    if (twosComplement.length > 1 && twosComplement[0] == 0) {
      return java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length);
    }
    return twosComplement;
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
