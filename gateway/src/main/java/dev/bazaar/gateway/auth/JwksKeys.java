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
 * Besides refreshes on demand, the owner refreshes on a schedule: {@link #untilNextRefresh} honours
 * the document's {@code Cache-Control: max-age} within [{@code minInterval}, a maximum], so that a
 * key the issuer retired stops verifying within that maximum.
 */
public final class JwksKeys {

  /** The keys of one JWKS document: by {@code kid}, and all of them for tokens without a kid. */
  public record KeySet(Map<String, RSAPublicKey> byKid, List<RSAPublicKey> all) {

    static final KeySet EMPTY = new KeySet(Map.of(), List.of());

    public KeySet {
      byKid = Map.copyOf(byKid);
      all = List.copyOf(all);
    }

    /** Whether {@code key} (published as {@code kid}, or without one) is in this set. */
    public boolean holds(String kid, RSAPublicKey key) {
      if (kid != null) {
        RSAPublicKey published = byKid.get(kid);
        return published != null && published.getModulus().equals(key.getModulus());
      }
      for (RSAPublicKey published : all) {
        if (published.getModulus().equals(key.getModulus())) {
          return true;
        }
      }
      return false;
    }
  }

  /** A fetched JWKS document and its {@code Cache-Control} max-age, {@code null} when none. */
  public record Document(String body, Duration maxAge) {}

  private static final Logger LOG = Logger.getLogger(JwksKeys.class);
  private static final Duration FAILURE_BACKOFF = Duration.ofSeconds(1);

  private final Supplier<CompletionStage<Document>> fetcher;
  private final Clock clock;
  private final Duration minInterval;
  private final LongAdder fetches = new LongAdder();
  private volatile KeySet current = KeySet.EMPTY;
  private CompletableFuture<KeySet> inFlight;
  private Instant nextAllowed = Instant.MIN;
  private volatile Duration lastMaxAge;
  private volatile boolean lastFailed;

  /**
   * @param fetcher fetches the JWKS document; must not block
   * @param clock decides when the next refresh is allowed
   * @param minInterval fewest time between two fetches
   */
  public JwksKeys(Supplier<CompletionStage<String>> fetcher, Clock clock, Duration minInterval) {
    this(clock, minInterval, () -> fetcher.get().thenApply(body -> new Document(body, null)));
  }

  private JwksKeys(Clock clock, Duration minInterval, Supplier<CompletionStage<Document>> fetcher) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.minInterval = minInterval;
  }

  /** Keys whose fetcher also reports the document's {@code Cache-Control} max-age. */
  public static JwksKeys withDocuments(
      Supplier<CompletionStage<Document>> fetcher, Clock clock, Duration minInterval) {
    return new JwksKeys(clock, minInterval, fetcher);
  }

  /**
   * How long to wait before the next scheduled refresh: the last document's max-age, clamped to
   * [{@code minInterval}, {@code maxInterval}]; {@code maxInterval} when it had none, and {@code
   * minInterval} after a failed fetch.
   */
  public Duration untilNextRefresh(Duration maxInterval) {
    if (lastFailed) {
      return minInterval;
    }
    Duration wanted = lastMaxAge == null ? maxInterval : lastMaxAge;
    if (wanted.compareTo(maxInterval) > 0) {
      wanted = maxInterval;
    }
    return wanted.compareTo(minInterval) < 0 ? minInterval : wanted;
  }

  /**
   * The max-age a {@code Cache-Control} value allows: {@code max-age=N}, zero for {@code no-store}
   * or {@code no-cache}, {@code null} when it says nothing about freshness.
   */
  public static Duration maxAge(String cacheControl) {
    if (cacheControl == null) {
      return null;
    }
    Duration result = null;
    for (String directive : cacheControl.split(",")) {
      String d = directive.strip().toLowerCase(java.util.Locale.ROOT);
      if (d.equals("no-store") || d.equals("no-cache")) {
        return Duration.ZERO;
      }
      if (d.startsWith("max-age=")) {
        try {
          result = Duration.ofSeconds(Long.parseLong(d.substring(8).replace("\"", "")));
        } catch (NumberFormatException e) {
          return Duration.ZERO; // RFC 9111 §4.2.1: an invalid max-age means stale
        }
      }
    }
    return result;
  }

  /** Whether the last fetch failed (the issuer was unreachable or sent no JWKS). */
  public boolean lastFetchFailed() {
    return lastFailed;
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
    CompletionStage<Document> fetch;
    try {
      fetch = fetcher.get();
    } catch (RuntimeException e) {
      fetch = CompletableFuture.failedFuture(e);
    }
    fetch.whenComplete((body, failure) -> finish(result, body, failure));
    return result;
  }

  private void finish(CompletableFuture<KeySet> result, Document document, Throwable failure) {
    KeySet keys;
    synchronized (this) {
      inFlight = null;
      if (failure == null) {
        try {
          current = parse(document.body());
          lastMaxAge = document.maxAge();
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      lastFailed = failure != null;
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

  /** The smallest RSA modulus taken (RFC 8725 §3.5, NIST SP 800-57: 112-bit security). */
  static final int MIN_MODULUS_BITS = 2048;

  /**
   * An RSA verification key, validated first (RFC 8725 §3.4): a modulus of at least {@link
   * #MIN_MODULUS_BITS} bits and an odd public exponent greater than 1. A weak or degenerate key
   * would make any signature check with it meaningless.
   */
  static RSAPublicKey rsaKey(String n, String e) throws GeneralSecurityException {
    Base64.Decoder b64 = Base64.getUrlDecoder();
    BigInteger modulus = new BigInteger(1, b64.decode(n));
    BigInteger exponent = new BigInteger(1, b64.decode(e));
    if (modulus.bitLength() < MIN_MODULUS_BITS) {
      throw new GeneralSecurityException(
          "RSA modulus of "
              + modulus.bitLength()
              + " bits, at least "
              + MIN_MODULUS_BITS
              + " are needed");
    }
    if (!exponent.testBit(0) || exponent.compareTo(BigInteger.ONE) <= 0) {
      throw new GeneralSecurityException("RSA public exponent " + exponent + " is not odd and > 1");
    }
    var spec = new RSAPublicKeySpec(modulus, exponent);
    return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec);
  }
}
