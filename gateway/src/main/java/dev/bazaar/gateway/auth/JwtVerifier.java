package dev.bazaar.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
 * expiry and not-before with a clock skew. A verified token is cached until it expires, so its RSA
 * signature is checked once; a cache hit costs one map lookup. Nothing here blocks: only a token
 * with an unknown {@code kid} waits for a (rate-limited) JWKS refresh.
 */
public final class JwtVerifier {

  private static final String RS256 = "RS256";

  private final JwksKeys keys;
  private final Clock clock;
  private final String issuer;
  private final String audience;
  private final long skewSeconds;
  private final Cache<String, Identity> verified;
  private final LongAdder signatureChecks = new LongAdder();

  public JwtVerifier(
      JwksKeys keys,
      Clock clock,
      String issuer,
      String audience,
      Duration clockSkew,
      int cacheSize) {
    this.keys = keys;
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
                new Expiry<String, Identity>() {
                  @Override
                  public long expireAfterCreate(String token, Identity identity, long now) {
                    long seconds = identity.expiresAt() + skewSeconds - nowSeconds();
                    return TimeUnit.SECONDS.toNanos(Math.max(0, seconds));
                  }

                  @Override
                  public long expireAfterUpdate(
                      String token, Identity identity, long now, long current) {
                    return current;
                  }

                  @Override
                  public long expireAfterRead(
                      String token, Identity identity, long now, long current) {
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
    Identity cached = verified.getIfPresent(token);
    if (cached != null && !expired(cached.expiresAt())) {
      return CompletableFuture.completedFuture(cached);
    }
    try {
      Jws jws = Jws.parse(token);
      List<RSAPublicKey> candidates = candidates(keys.current(), jws.kid());
      if (!candidates.isEmpty()) {
        return CompletableFuture.completedFuture(verifyWith(jws, candidates, token));
      }
      // A kid we have not seen: the issuer may have rotated its key. Ask the JWKS once more.
      return keys.refresh()
          .thenApply(
              refreshed -> {
                List<RSAPublicKey> retry = candidates(refreshed, jws.kid());
                if (retry.isEmpty()) {
                  throw new InvalidTokenException("The token is signed by an unknown key.");
                }
                return verifyWith(jws, retry, token);
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

  private Identity verifyWith(Jws jws, List<RSAPublicKey> candidates, String token) {
    if (!signedByOneOf(jws, candidates)) {
      throw new InvalidTokenException("The token signature is invalid.");
    }
    Identity identity = checkClaims(jws.payload());
    verified.put(token, identity);
    return identity;
  }

  private boolean signedByOneOf(Jws jws, List<RSAPublicKey> candidates) {
    signatureChecks.increment();
    for (RSAPublicKey key : candidates) {
      try {
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update(jws.signingInput());
        if (rsa.verify(jws.signature())) {
          return true;
        }
      } catch (GeneralSecurityException e) {
        // A malformed signature for this key; try the next one.
      }
    }
    return false;
  }

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

    static Jws parse(String token) {
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
      if (header.containsKey("crit")) {
        throw new InvalidTokenException("The token has critical header parameters.");
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
      try {
        return new JsonObject(new String(base64(part), StandardCharsets.UTF_8));
      } catch (InvalidTokenException e) {
        throw e;
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
