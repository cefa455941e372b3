package dev.bazaar.users.tokens;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.users.config.UsersConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

/**
 * The RSA keys that sign access tokens, kept in the users database (through {@link
 * SigningKeyStore}) so that every instance signs with the same key and tokens survive restarts.
 *
 * <p>A key is published in the JWKS before it signs, so that every verifier holds it by the time a
 * token of it arrives (a verifier that read the JWKS just before a new key started signing would
 * refuse its tokens until its next read). There is always a pre-published <i>next</i> key. A
 * rotation ({@link #rotate}, {@code POST /api/v1/admin/keys/rotate}) switches to it once it has
 * been published for {@code bazaar.users.keys.pre-publication} (at once when it is older, the usual
 * case), retires the signing key at that moment and pre-publishes a new next key; {@link
 * KeySchedule} holds the rules. A retired key stays in the JWKS until every token it signed has
 * expired (its retirement plus the token lifetime plus {@code bazaar.users.keys.retirement-margin},
 * which covers instances that have not reloaded yet and clock skew), and is then deleted. Every
 * instance reloads the keys every {@code bazaar.users.keys.reload-interval}, so another instance's
 * rotation reaches it within that time; until then it signs with the previous key, which still
 * verifies.
 */
@ApplicationScoped
public class SigningKeys {

  private static final Logger LOG = Logger.getLogger(SigningKeys.class);

  /** The key that signs, with its id: read together so that a rotation cannot split them. */
  public record Signer(String kid, PrivateKey privateKey) {}

  /**
   * The outcome of a rotation: {@code kid} signs from {@code signsFrom} on, when {@code retired}
   * stop signing; {@code next} is the key pre-published for the rotation after it.
   */
  public record Rotation(String kid, Instant signsFrom, List<String> retired, String next) {}

  @Inject DataSource dataSource;
  @Inject SigningKeyStore store;
  @Inject UsersConfig config;
  @Inject Clock clock;

  private volatile List<SigningKeyStore.StoredKey> keys = List.of();
  private volatile String jwks;

  void onStart(@Observes StartupEvent event) {
    load();
  }

  /**
   * Refuses a pre-publication shorter than a verifier may take to see a new key: the reload
   * interval (until every users instance publishes it) plus the JWKS max-age (until every verifier
   * has re-read the JWKS).
   */
  static void checkPrePublication(UsersConfig.Keys keys) {
    Duration needed = keys.reloadInterval().plus(keys.jwksMaxAge());
    if (keys.prePublication().compareTo(needed) < 0) {
      throw new IllegalStateException(
          "bazaar.users.keys.pre-publication must be at least reload-interval + jwks-max-age ("
              + needed
              + "), so that every verifier holds a key before it signs, but was "
              + keys.prePublication());
    }
  }

  /**
   * Brings every stored key under the current key-encryption key (encrypts plaintext keys,
   * re-encrypts those under the previous key-encryption key; {@link
   * SigningKeyStore#encryptUnderCurrentKey}), creates the first key if there is none and a next key
   * if there is none, then loads the keys. At start, so a wrong key file stops the start.
   */
  public synchronized void load() {
    checkPrePublication(config.keys());
    Tx.run(
        dataSource,
        c -> {
          store.lock(c);
          SigningKeyStore.Rewritten rewritten = store.encryptUnderCurrentKey(c);
          if (!rewritten.fromPlaintext().isEmpty()) {
            LOG.infof(
                "signing keys stored in plaintext are now encrypted: %s",
                rewritten.fromPlaintext());
          }
          if (!rewritten.fromPreviousKey().isEmpty()) {
            LOG.infof(
                "signing keys re-encrypted from the previous key-encryption key to the current"
                    + " one: %s; the previous key file is no longer needed",
                rewritten.fromPreviousKey());
          }
          List<SigningKeyStore.StoredKey> stored = store.all(c);
          if (stored.isEmpty()) {
            // The very first key signs at once: no verifier can hold an older copy of the JWKS.
            SigningKeyStore.StoredKey first = newKey();
            store.insert(c, first);
            stored = List.of(first);
          }
          if (KeySchedule.next(stored).isEmpty()) {
            SigningKeyStore.StoredKey next = newKey();
            store.insert(c, next.asNext());
            LOG.infof("next signing key %s published", next.kid());
          }
          return null;
        });
    reload();
  }

  /**
   * Switches to the pre-published next key (once it has been published for the pre-publication
   * time) and pre-publishes a new next key; the signing key retires at the switch.
   */
  public synchronized Rotation rotate() {
    SigningKeyStore.StoredKey fresh = newKey().asNext();
    Duration prePublication = config.keys().prePublication();
    Rotation rotation =
        Tx.run(
            dataSource,
            c -> {
              store.lock(c);
              List<SigningKeyStore.StoredKey> stored = store.all(c);
              SigningKeyStore.StoredKey next = KeySchedule.next(stored).orElse(null);
              if (next == null) {
                // Only when the row was deleted by hand: a key made now waits its whole
                // pre-publication.
                next = newKey().asNext();
                store.insert(c, next);
              }
              KeySchedule.Plan plan =
                  KeySchedule.rotate(
                      stored, next, clock.instant().truncatedTo(ChronoUnit.MICROS), prePublication);
              store.apply(c, plan);
              store.insert(c, fresh);
              return new Rotation(plan.kid(), plan.signsFrom(), plan.retired(), fresh.kid());
            });
    LOG.infof(
        "signing key rotated: %s signs from %s, retiring %s then; next key %s published",
        rotation.kid(), rotation.signsFrom(), rotation.retired(), rotation.next());
    reload();
    return rotation;
  }

  /**
   * Reloads the keys, deleting those retired longer ago than any token they signed can live. Runs
   * on every instance, so each picks up a rotation made by another.
   */
  @Scheduled(
      every = "${bazaar.users.keys.reload-interval:30s}",
      delayed = "${bazaar.users.keys.reload-interval:30s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  synchronized void reload() {
    Instant cutoff = clock.instant().minus(retention());
    List<SigningKeyStore.StoredKey> loaded =
        Tx.run(
            dataSource,
            c -> {
              List<String> deleted = store.deleteRetiredBefore(c, cutoff);
              if (!deleted.isEmpty()) {
                LOG.infof("retired signing keys deleted: %s", deleted);
              }
              return store.all(c);
            });
    if (KeySchedule.signerAt(loaded, clock.instant()).isEmpty()) {
      throw new IllegalStateException("no stored signing key signs now");
    }
    List<JsonWebKey> published = new ArrayList<>();
    for (SigningKeyStore.StoredKey key : loaded) {
      try {
        published.add(JsonWebKey.Factory.newJwk(key.publicJwk()));
      } catch (org.jose4j.lang.JoseException e) {
        throw new IllegalStateException("stored public key " + key.kid() + " is unreadable", e);
      }
    }
    keys = List.copyOf(loaded);
    jwks = new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
  }

  /** How long a retired key stays published: the token lifetime plus the margin. */
  Duration retention() {
    return config.tokenTtl().plus(config.keys().retirementMargin());
  }

  /** A new key that signs from its creation; {@link SigningKeyStore.StoredKey#asNext} if not. */
  private SigningKeyStore.StoredKey newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair pair = g.generateKeyPair();
      String newKid = UUID.randomUUID().toString();
      Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
      RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
      jwk.setKeyId(newKid);
      jwk.setAlgorithm("RS256");
      jwk.setUse("sig");
      return new SigningKeyStore.StoredKey(
          newKid,
          pair.getPrivate(),
          jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY),
          now,
          now,
          null);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  /** The key that signs now; a scheduled switch takes effect at its moment, without a reload. */
  public Signer signer() {
    SigningKeyStore.StoredKey key =
        KeySchedule.signerAt(keys, clock.instant())
            .orElseThrow(() -> new IllegalStateException("no stored signing key signs now"));
    return new Signer(key.kid(), key.privateKey());
  }

  public String kid() {
    return signer().kid();
  }

  /** The pre-published key the next rotation switches to: in the JWKS, not signing. */
  public String nextKid() {
    return KeySchedule.next(keys)
        .map(SigningKeyStore.StoredKey::kid)
        .orElseThrow(() -> new IllegalStateException("no next signing key is stored"));
  }

  /**
   * The public keys as a JWKS document: the signing key, the retired ones still trusted, and those
   * published ahead of signing (the next key and a scheduled one).
   */
  public String jwks() {
    return jwks;
  }
}
