package dev.bazaar.users.tokens;

import dev.bazaar.users.config.UsersConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import org.jboss.logging.Logger;

/**
 * The one place that reads and writes the {@code signing_keys} table, and the one place that turns
 * a private key into stored bytes and back ({@link #encodePrivateKey}, {@link #decodePrivateKey}):
 * how the key is protected at rest is decided here and nowhere else.
 *
 * <p>With a key-encryption key ({@code bazaar.users.key-encryption-key-file}) every private key is
 * stored AES-256-GCM encrypted ({@link PrivateKeyCipher}); keys stored in plaintext before it was
 * configured still load, and {@link #encryptUnderCurrentKey} (run at start) encrypts them in place.
 * With a previous key-encryption key as well ({@code
 * bazaar.users.previous-key-encryption-key-file}), the same step re-encrypts the keys stored under
 * it with the current one. Without a key-encryption key, keys are stored as plaintext PKCS#8; an
 * encrypted key then cannot be read and the start fails saying so.
 */
@ApplicationScoped
public class SigningKeyStore {

  private static final Logger LOG = Logger.getLogger(SigningKeyStore.class);

  @Inject UsersConfig config;

  private Optional<PrivateKeyCipher> cipher;

  /** The key-encryption key being replaced, while it is. */
  private Optional<PrivateKeyCipher> previous = Optional.empty();

  public SigningKeyStore() {}

  /** A store with the given cipher (or none), outside CDI. */
  SigningKeyStore(Optional<PrivateKeyCipher> cipher) {
    this(cipher, Optional.empty());
  }

  /** A store with the given cipher and the previous one (or none), outside CDI. */
  SigningKeyStore(Optional<PrivateKeyCipher> cipher, Optional<PrivateKeyCipher> previous) {
    this.cipher = cipher;
    this.previous = previous;
    requireCurrentWithPrevious();
  }

  @PostConstruct
  void readKeyEncryptionKey() {
    cipher = config.keyEncryptionKeyFile().map(PrivateKeyCipher::fromFile);
    previous = config.previousKeyEncryptionKeyFile().map(PrivateKeyCipher::fromFile);
    requireCurrentWithPrevious();
    if (cipher.isEmpty()) {
      LOG.warn(
          "no key-encryption key is configured (BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE):"
              + " signing keys are stored unencrypted in the database");
    }
  }

  private void requireCurrentWithPrevious() {
    if (previous.isPresent() && cipher.isEmpty()) {
      throw new IllegalStateException(
          "a previous key-encryption key ("
              + previous.get().source()
              + ") is configured without a current one: set BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE"
              + " to the key the signing keys are to be re-encrypted with");
    }
  }

  /**
   * A stored key, published from {@code createdAt}: {@code signsFrom} is {@code null} while it is
   * the pre-published next key, {@code retiredAt} while no successor has replaced it ({@link
   * KeySchedule} tells the states apart).
   */
  public record StoredKey(
      String kid,
      PrivateKey privateKey,
      String publicJwk,
      Instant createdAt,
      Instant signsFrom,
      Instant retiredAt) {

    /** This key as a pre-published next key: published, not signing. */
    public StoredKey asNext() {
      return new StoredKey(kid, privateKey, publicJwk, createdAt, null, null);
    }
  }

  /** Serialises key changes of concurrent instances until the transaction ends. */
  public void lock(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("LOCK TABLE signing_keys IN EXCLUSIVE MODE")) {
      ps.execute();
    }
  }

  /** Every stored key, newest first. */
  public List<StoredKey> all(Connection c) throws SQLException, GeneralSecurityException {
    List<StoredKey> keys = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT kid, private_key, public_jwk::text, created_at, signs_from, retired_at"
                    + " FROM signing_keys ORDER BY created_at DESC, kid");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        keys.add(
            new StoredKey(
                rs.getString(1),
                decodePrivateKey(rs.getString(1), rs.getBytes(2)),
                rs.getString(3),
                rs.getTimestamp(4).toInstant(),
                instant(rs.getTimestamp(5)),
                instant(rs.getTimestamp(6))));
      }
    }
    return keys;
  }

  public void insert(Connection c, StoredKey key) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO signing_keys (kid, private_key, public_jwk, created_at, signs_from)"
                + " VALUES (?, ?, ?::jsonb, ?, ?)")) {
      ps.setString(1, key.kid());
      ps.setBytes(2, encodePrivateKey(key.kid(), key.privateKey()));
      ps.setString(3, key.publicJwk());
      ps.setTimestamp(4, Timestamp.from(key.createdAt()));
      ps.setTimestamp(5, key.signsFrom() == null ? null : Timestamp.from(key.signsFrom()));
      ps.executeUpdate();
    }
  }

  /**
   * Carries out a rotation: {@code plan.kid()} signs from {@code plan.signsFrom()}, and the keys of
   * {@code plan.retired()} retire at that moment.
   */
  public void apply(Connection c, KeySchedule.Plan plan) throws SQLException {
    Timestamp at = Timestamp.from(plan.signsFrom());
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE signing_keys SET signs_from = ? WHERE kid = ? AND signs_from IS NULL")) {
      ps.setTimestamp(1, at);
      ps.setString(2, plan.kid());
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("key " + plan.kid() + " is no longer a next key");
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE signing_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL")) {
      for (String kid : plan.retired()) {
        ps.setTimestamp(1, at);
        ps.setString(2, kid);
        ps.addBatch();
      }
      if (!plan.retired().isEmpty()) {
        ps.executeBatch();
      }
    }
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /** Deletes the keys retired before {@code cutoff}; returns their kids. */
  public List<String> deleteRetiredBefore(Connection c, Instant cutoff) throws SQLException {
    List<String> deleted = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement("DELETE FROM signing_keys WHERE retired_at < ? RETURNING kid")) {
      ps.setTimestamp(1, Timestamp.from(cutoff));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          deleted.add(rs.getString(1));
        }
      }
    }
    return deleted;
  }

  /**
   * What {@link #encryptUnderCurrentKey} rewrote: keys that were stored in plaintext, and keys that
   * were encrypted under the previous key-encryption key.
   */
  public record Rewritten(List<String> fromPlaintext, List<String> fromPreviousKey) {}

  /**
   * Brings every stored key under the current key-encryption key, in place and in the caller's
   * transaction: keys stored in plaintext (from before a key-encryption key was configured) are
   * encrypted, and keys that open only with the previous key-encryption key are re-encrypted. A key
   * that opens with neither is an {@link IllegalStateException} naming both files, and the caller's
   * rollback leaves every key as it was. Does nothing without a key-encryption key.
   */
  public Rewritten encryptUnderCurrentKey(Connection c) throws SQLException {
    if (cipher.isEmpty()) {
      return new Rewritten(List.of(), List.of());
    }
    Map<String, byte[]> rewrite = new LinkedHashMap<>();
    List<String> fromPlaintext = new ArrayList<>();
    List<String> fromPrevious = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT kid, private_key FROM signing_keys ORDER BY kid");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String kid = rs.getString(1);
        byte[] stored = rs.getBytes(2);
        if (PrivateKeyCipher.isPlaintext(stored)) {
          fromPlaintext.add(kid);
          rewrite.put(kid, stored);
        } else if (previous.isPresent() && !opens(cipher.get(), kid, stored)) {
          try {
            rewrite.put(kid, previous.get().decrypt(kid, stored));
            fromPrevious.add(kid);
          } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                "signing key "
                    + kid
                    + " opens neither with "
                    + cipher.get().source()
                    + " nor with the previous key-encryption key, "
                    + previous.get().source()
                    + ": neither is the key it was encrypted with (or the stored key was altered)",
                e);
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE signing_keys SET private_key = ? WHERE kid = ?")) {
      for (Map.Entry<String, byte[]> e : rewrite.entrySet()) {
        ps.setBytes(1, cipher.get().encrypt(e.getKey(), e.getValue()));
        ps.setString(2, e.getKey());
        ps.addBatch();
      }
      if (!rewrite.isEmpty()) {
        ps.executeBatch();
      }
    }
    return new Rewritten(List.copyOf(fromPlaintext), List.copyOf(fromPrevious));
  }

  private static boolean opens(PrivateKeyCipher cipher, String kid, byte[] stored) {
    try {
      cipher.decrypt(kid, stored);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The stored form of a private key: encrypted when a key-encryption key is configured. */
  byte[] encodePrivateKey(String kid, PrivateKey key) {
    byte[] pkcs8 = key.getEncoded();
    return cipher.map(k -> k.encrypt(kid, pkcs8)).orElse(pkcs8);
  }

  /**
   * The private key of a stored form. A plaintext key (stored before encryption was configured) is
   * read as it is; an encrypted one needs the key it was encrypted with, and anything else is an
   * {@link IllegalStateException} that says which key file to check.
   */
  PrivateKey decodePrivateKey(String kid, byte[] stored) throws GeneralSecurityException {
    byte[] pkcs8 = stored;
    if (!PrivateKeyCipher.isPlaintext(stored)) {
      if (cipher.isEmpty()) {
        throw new IllegalStateException(
            "signing key "
                + kid
                + " is stored encrypted, but no key-encryption key is configured: set"
                + " BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE to the key file it was encrypted with");
      }
      try {
        pkcs8 = cipher.get().decrypt(kid, stored);
      } catch (AEADBadTagException e) {
        if (previous.isPresent() && opens(previous.get(), kid, stored)) {
          // Stored by an instance still on the previous key while this one re-encrypted.
          return KeyFactory.getInstance("RSA")
              .generatePrivate(new PKCS8EncodedKeySpec(previous.get().decrypt(kid, stored)));
        }
        throw new IllegalStateException(
            "signing key "
                + kid
                + " cannot be decrypted with "
                + cipher.get().source()
                + ": it is not the key-encryption key this database's signing keys were"
                + " encrypted with (or the stored key was altered)",
            e);
      }
    }
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
  }
}
