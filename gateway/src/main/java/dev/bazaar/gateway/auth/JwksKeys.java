package dev.bazaar.gateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The issuer's RSA signature keys, loaded from its JWKS. A refresh is single-flight and rate
 * limited: at most one fetch per {@code minInterval} (one per second after a failed fetch), so
 * tokens with made-up {@code kid}s cannot turn the gateway into a load generator against users.
 */
public final class JwksKeys {

  /** The keys of one JWKS document: by {@code kid}, and all of them for tokens without a kid. */
  public record KeySet(Map<String, RSAPublicKey> byKid, List<RSAPublicKey> all) {

    static final KeySet EMPTY = new KeySet(Map.of(), List.of());

    public KeySet {
      byKid = Map.copyOf(byKid);
      all = List.copyOf(all);
    }
  }

  private static final Logger LOG = Logger.getLogger(JwksKeys.class);
  private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(1);

  private final Supplier<CompletionStage<String>> fetcher;
  private final Clock clock;
  private final Duration minInterval;
  private final LongAdder fetches = new LongAdder();
  private volatile KeySet current = KeySet.EMPTY;
  private CompletableFuture<KeySet> inFlight;
  private Instant nextAllowed = Instant.MIN;

  /**
   * @param fetcher fetches the JWKS document; must not block
   * @param clock decides when the next refresh is allowed
   * @param minInterval fewest time between two fetches
   */
  public JwksKeys(Supplier<CompletionStage<String>> fetcher, Clock clock, Duration minInterval) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.minInterval = minInterval;
  }

  public KeySet current() {
    return current;
  }

  /** How many fetches were started. */
  public long fetches() {
    return fetches.sum();
  }

  /**
   * Fetches the JWKS unless a fetch is under way (its result is shared) or the last one started
   * less than the minimum interval ago (the current keys are returned). Never fails: a failed fetch
   * keeps the keys there were.
   */
  public synchronized CompletionStage<KeySet> refresh() {
    if (inFlight != null) {
      return inFlight;
    }
    Instant now = clock.instant();
    if (now.isBefore(nextAllowed)) {
      return CompletableFuture.completedFuture(current);
    }
    nextAllowed = now.plus(minInterval);
    CompletableFuture<KeySet> result = new CompletableFuture<>();
    inFlight = result;
    fetches.increment();
    CompletionStage<String> fetch;
    try {
      fetch = fetcher.get();
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    fetch.whenComplete((body, failure) -> finish(result, body, failure));
    return result;
  }

  private void finish(CompletableFuture<KeySet> result, String body, Throwable failure) {
    KeySet keys;
    synchronized (this) {
      inFlight = null;
      if (failure == null) {
        try {
          current = parse(body);
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (failure != null) {
        LOG.warnf("JWKS fetch failed, keeping %d key(s): %s", current.all().size(), failure);
        Instant retry = clock.instant().plus(FAILURE_BACKOFF);
        if (retry.isBefore(nextAllowed)) {
          nextAllowed = retry;
        }
      }
      keys = current;
    }
    result.complete(keys);
  }

  /**
   * The RSA signature keys of a JWKS document; other key types and encryption keys are skipped.
   *
   * @throws IllegalArgumentException when the document is not a JWKS
   */
  public static KeySet parse(String json) {
    JsonArray keys;
    try {
      keys = new JsonObject(json).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JWKS document: " + e.getMessage(), e);
    }
    if (keys == null) {
      throw new IllegalArgumentException("not a JWKS document: no \"keys\" array");
    }
    Map<String, RSAPublicKey> byKid = new HashMap<>();
    List<RSAPublicKey> all = new java.util.ArrayList<>();
    for (Object entry : keys) {
      if (!(entry instanceof JsonObject jwk)
          || !"RSA".equals(jwk.getValue("kty"))
          || (jwk.containsKey("use") && !"sig".equals(jwk.getValue("use")))
          || (jwk.containsKey("alg") && !"RS256".equals(jwk.getValue("alg")))) {
        continue;
      }
      try {
        RSAPublicKey key = rsaKey(jwk.getString("n"), jwk.getString("e"));
        all.add(key);
        if (jwk.getValue("kid") instanceof String kid) {
          byKid.put(kid, key);
        }
      } catch (RuntimeException | GeneralSecurityException e) {
        LOG.warnf("skipping unusable JWK %s: %s", jwk.getValue("kid"), e.toString());
      }
    }
    return new KeySet(byKid, all);
  }

  private static RSAPublicKey rsaKey(String n, String e) throws GeneralSecurityException {
    Base64.Decoder b64 = Base64.getUrlDecoder();
    var spec =
        new RSAPublicKeySpec(new BigInteger(1, b64.decode(n)), new BigInteger(1, b64.decode(e)));
    return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec);
  }
}
