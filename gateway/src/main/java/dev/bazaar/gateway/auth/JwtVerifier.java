package dev.bazaar.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Verifies RS256 access tokens: compact JWS, {@code alg} exactly {@code RS256} (so {@code none} and
 * HMAC signed with the public key are refused), a signature by a JWKS key, then issuer, audience,
 * expiry and not-before with a clock skew. The {@code typ} header must name an access token ({@code
 * JWT} or {@code at+jwt} by default; RFC 8725 §3.11), so that another kind of JWT signed by the
 * same issuer is not taken for one. A verified token is cached until it expires, so its RSA
 * signature is checked once; a cache hit costs one map lookup while the key set is unchanged, and
 * after a JWKS refresh the entry holds only if its key is still published (a retired key's tokens
 * stop working with the refresh that drops it). Nothing here blocks: only a token with an unknown
 * {@code kid} waits for a (rate-limited) JWKS refresh.
 */
public final class JwtVerifier {

  private static final String RS256 = "RS256";

  /**
   * The {@code typ} values accepted when none are configured: what users issues, and RFC 9068's.
   */
  public static final Set<String> ACCESS_TOKEN_TYPES = Set.of("JWT", "at+jwt");

  private final JwksKeys keys;
  private final Clock clock;
  private final String issuer;
  private final String audience;
  private final long skewSeconds;
  private final Set<String> acceptedTypes;
  private final Cache<String, Verified> verified;
  private final LongAdder signatureChecks = new LongAdder();

  public JwtVerifier(
      JwksKeys keys,
      Clock clock,
      String issuer,
      String audience,
      Duration clockSkew,
      int cacheSize) {
    this(keys, clock, issuer, audience, clockSkew, cacheSize, ACCESS_TOKEN_TYPES);
  }

  /**
   * @param acceptedTypes {@code typ} header values taken for access tokens, compared without case
   *     and without an {@code application/} prefix (RFC 7515 §4.1.9)
   */
  public JwtVerifier(
      JwksKeys keys,
      Clock clock,
      String issuer,
      String audience,
      Duration clockSkew,
      int cacheSize,
      Set<String> acceptedTypes) {
    this.keys = keys;
    this.acceptedTypes = new HashSet<>();
    for (String type : acceptedTypes) {
      this.acceptedTypes.add(normalType(type));
    }
    this.clock = clock;
    this.issuer = issuer;
    this.audience = audience;
    this.skewSeconds = clockSkew.toSeconds();
    this.verified =
        Caffeine.newBuilder()
            // Maintenance on the calling thread (amortized), not handed to the common pool.
            .executor(Runnable::run)
            .maximumSize(cacheSize)
            .expireAfter(
                new Expiry<String, Verified>() {
                  @Override
                  public long expireAfterCreate(String token, Verified entry, long now) {
                    long seconds = entry.identity().expiresAt() + skewSeconds - nowSeconds();
                    return TimeUnit.SECONDS.toNanos(Math.max(0, seconds));
                  }

                  @Override
                  public long expireAfterUpdate(
                      String token, Verified entry, long now, long current) {
                    return current;
                  }

                  @Override
                  public long expireAfterRead(
                      String token, Verified entry, long now, long current) {
                    return current;
                  }
                })
            .build();
  }

  /** How many RSA signatures were checked (cache misses that got that far). */
  public long signatureChecks() {
    return signatureChecks.sum();
  }

  /**
   * The identity in {@code token}, or a failed stage with an {@link InvalidTokenException}. Cached
   * tokens and tokens signed by a known key complete at once on the calling thread.
   */
  public CompletionStage<Identity> verify(String token) {
    Verified cached = verified.getIfPresent(token);
    if (cached != null && !expired(cached.identity().expiresAt())) {
      JwksKeys.KeySet now = keys.current();
      if (cached.keySet() == now) {
        return CompletableFuture.completedFuture(cached.identity());
      }
      if (now.holds(cached.kid(), cached.key())) {
        verified.put(token, new Verified(cached.identity(), cached.kid(), cached.key(), now));
        return CompletableFuture.completedFuture(cached.identity());
      }
      // Its key was retired since: verify afresh, which fails unless the key is back.
      verified.invalidate(token);
    }
    try {
      Jws jws = Jws.parse(token, acceptedTypes);
      JwksKeys.KeySet current = keys.current();
      List<RSAPublicKey> candidates = candidates(current, jws.kid());
      if (!candidates.isEmpty()) {
        return CompletableFuture.completedFuture(verifyWith(jws, candidates, token, current));
      }
      // A kid we have not seen: the issuer may have rotated its key. Ask the JWKS once more.
      return keys.refresh()
          .thenApply(
              refreshed -> {
                List<RSAPublicKey> retry = candidates(refreshed, jws.kid());
                if (retry.isEmpty()) {
                  if (keys.lastFetchFailed()) {
                    // Not known to be invalid: the key may be one the gateway has not fetched yet.
                    throw new KeysUnavailableException();
                  }
                  throw new InvalidTokenException("The token is signed by an unknown key.");
                }
                return verifyWith(jws, retry, token, refreshed);
              });
    } catch (InvalidTokenException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static List<RSAPublicKey> candidates(JwksKeys.KeySet set, String kid) {
    if (kid == null) {
      return set.all();
    }
    RSAPublicKey key = set.byKid().get(kid);
    return key == null ? List.of() : List.of(key);
  }

  private Identity verifyWith(
      Jws jws, List<RSAPublicKey> candidates, String token, JwksKeys.KeySet keySet) {
    RSAPublicKey signer = signerAmong(jws, candidates);
    if (signer == null) {
      throw new InvalidTokenException("The token signature is invalid.");
    }
    Identity identity = checkClaims(jws.payload());
    verified.put(token, new Verified(identity, jws.kid(), signer, keySet));
    return identity;
  }

  private RSAPublicKey signerAmong(Jws jws, List<RSAPublicKey> candidates) {
    signatureChecks.increment();
    for (RSAPublicKey key : candidates) {
      try {
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update(jws.signingInput());
        if (rsa.verify(jws.signature())) {
          return key;
        }
      } catch (GeneralSecurityException e) {
        // A malformed signature for this key; try the next one.
      }
    }
    return null;
  }

  static String normalType(String type) {
    String t = type.strip().toLowerCase(java.util.Locale.ROOT);
    return t.startsWith("application/") ? t.substring("application/".length()) : t;
  }

  /** A verified token: who it names, the key that signed it, and the key set it was checked in. */
  private record Verified(
      Identity identity, String kid, RSAPublicKey key, JwksKeys.KeySet keySet) {}

  private Identity checkClaims(JsonObject claims) {
    if (!issuer.equals(claims.getValue("iss"))) {
      throw new InvalidTokenException("The token was not issued by " + issuer + ".");
    }
    Object aud = claims.getValue("aud");
    boolean audienceOk =
        audience.equals(aud) || (aud instanceof JsonArray list && list.contains(audience));
    if (!audienceOk) {
      throw new InvalidTokenException("The token is not meant for audience " + audience + ".");
    }
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw new InvalidTokenException("The token has no expiry.");
    }
    if (expired(exp.longValue())) {
      throw new InvalidTokenException("The token has expired.");
    }
    if (claims.getValue("nbf") instanceof Number nbf
        && nowSeconds() + skewSeconds < nbf.longValue()) {
      throw new InvalidTokenException("The token is not valid yet.");
    }
    if (!(claims.getValue("sub") instanceof String sub) || sub.isBlank()) {
      throw new InvalidTokenException("The token has no subject.");
    }
    Set<String> roles = new HashSet<>();
    if (claims.getValue("groups") instanceof JsonArray groups) {
      for (Object group : groups) {
        if (group instanceof String role) {
          roles.add(role);
        }
      }
    }
    return new Identity(sub, roles, exp.longValue());
  }

  private boolean expired(long exp) {
    return nowSeconds() > exp + skewSeconds;
  }

  private long nowSeconds() {
    return clock.instant().getEpochSecond();
  }

  /** A compact JWS taken apart, with the header checked. */
  private record Jws(String kid, JsonObject payload, byte[] signingInput, byte[] signature) {

    static Jws parse(String token, Set<String> acceptedTypes) {
      int first = token.indexOf('.');
      int second = first < 0 ? -1 : token.indexOf('.', first + 1);
      if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) {
        throw new InvalidTokenException("The token is not a signed JWT.");
      }
      JsonObject header = json(token.substring(0, first));
      Object alg = header.getValue("alg");
      if (!RS256.equals(alg)) {
        String shown = String.valueOf(alg);
        shown = shown.length() > 16 ? shown.substring(0, 16) + "..." : shown;
        throw new InvalidTokenException(
            "The token algorithm must be RS256, but was " + shown + ".");
      }
      if (!(header.getValue("typ") instanceof String typ)
          || !acceptedTypes.contains(normalType(typ))) {
        throw new InvalidTokenException("The token is not an access token (typ).");
      }
      if (header.containsKey("crit")) {
        throw new InvalidTokenException("The token has critical header parameters.");
      }
      // RFC 8725 §3.6: compression belongs to JWE only, and users compresses nothing; a JWS that
      // claims a compressed payload is not one of ours.
      if (header.containsKey("zip")) {
        throw new InvalidTokenException("The token is compressed (zip), which no access token is.");
      }
      Object kid = header.getValue("kid");
      if (kid != null && !(kid instanceof String)) {
        throw new InvalidTokenException("The token key id is malformed.");
      }
      JsonObject payload = json(token.substring(first + 1, second));
      byte[] signature = base64(token.substring(second + 1));
      if (signature.length == 0) {
        throw new InvalidTokenException("The token is not signed.");
      }
      byte[] input = token.substring(0, second).getBytes(StandardCharsets.US_ASCII);
      return new Jws((String) kid, payload, input, signature);
    }

    private static JsonObject json(String part) {
      String text;
      try {
        // RFC 8725 §3.7: strictly UTF-8. new String(bytes, UTF_8) would turn malformed bytes into
        // U+FFFD and let two different byte strings read as the same claim.
        text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(base64(part)))
                .toString();
      } catch (CharacterCodingException e) {
        throw new InvalidTokenException("The token header or claims are not UTF-8.");
      }
      try {
        return new JsonObject(text);
      } catch (RuntimeException e) {
        throw new InvalidTokenException("The token is not a signed JWT.");
      }
    }

    private static byte[] base64(String part) {
      try {
        return Base64.getUrlDecoder().decode(part);
      } catch (IllegalArgumentException e) {
        throw new InvalidTokenException("The token is not a signed JWT.");
      }
    }
  }
}
