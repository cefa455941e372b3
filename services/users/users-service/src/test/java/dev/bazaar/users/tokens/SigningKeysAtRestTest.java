package dev.bazaar.users.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.testing.InfraResource;
import dev.bazaar.users.config.UsersConfig;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.Test;

/**
 * Users started with a key-encryption key file, as {@code ./bazaar up} starts it: the signing keys
 * in the database are ciphertext, keys stored in plaintext before are encrypted at start, and a
 * wrong or missing key stops the start with a message that says which file to check.
 */
@QuarkusTest
@TestProfile(SigningKeysAtRestTest.WithKeyFile.class)
@WithTestResource(
    value = InfraResource.class,
    initArgs = @ResourceArg(name = "jwks", value = "self"))
class SigningKeysAtRestTest {

  static final Path KEY_FILE = keyFile(PrivateKeyCipher.newKey(new SecureRandom()));

  public static class WithKeyFile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("bazaar.users.key-encryption-key-file", KEY_FILE.toString());
    }
  }

  @Inject SigningKeys keys;
  @Inject DataSource dataSource;
  @Inject UsersConfig config;
  @Inject Clock clock;

  static Path keyFile(String content) {
    try {
      Path file = Files.createTempFile("users-key", ".aes");
      Files.writeString(file, content + "\n");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] storedBytes(String kid) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT private_key FROM signing_keys WHERE kid = ?")) {
      ps.setString(1, kid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row for " + kid).isTrue();
        return rs.getBytes(1);
      }
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }

  /** A {@link SigningKeys} over the same database whose store uses {@code cipher}. */
  private SigningKeys keysWith(Optional<PrivateKeyCipher> cipher) {
    return keysWith(cipher, Optional.empty());
  }

  /** The same, re-encrypting from {@code previous}. */
  private SigningKeys keysWith(
      Optional<PrivateKeyCipher> cipher, Optional<PrivateKeyCipher> previous) {
    SigningKeys other = new SigningKeys();
    other.dataSource = dataSource;
    other.store = new SigningKeyStore(cipher, previous);
    other.config = config;
    other.clock = clock;
    return other;
  }

  @Test
  void theStoredPrivateKeyIsNotThePlaintextPkcs8() throws Exception {
    SigningKeys.Signer signer = keys.signer();
    byte[] pkcs8 = signer.privateKey().getEncoded();
    byte[] stored = storedBytes(signer.kid());

    assertThat(PrivateKeyCipher.isPlaintext(stored)).isFalse();
    // Not even a part of the key (its modulus and private exponent) is in the row.
    assertThat(contains(stored, Arrays.copyOfRange(pkcs8, 40, 104))).isFalse();
    assertThat(PrivateKeyCipher.fromFile(KEY_FILE).decrypt(signer.kid(), stored)).isEqualTo(pkcs8);
  }

  /**
   * A key row as some earlier users wrote it, with {@code stored} as its private key: retired a
   * moment ago, so it is still published but does not sign.
   */
  private void insertRetiredKey(String kid, byte[] stored, RsaJsonWebKey jwk) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO signing_keys (kid, private_key, public_jwk, created_at, retired_at)"
                    + " VALUES (?, ?, ?::jsonb, ?, ?)")) {
      ps.setString(1, kid);
      ps.setBytes(2, stored);
      ps.setString(3, jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
      ps.setTimestamp(4, Timestamp.from(clock.instant().minus(Duration.ofMinutes(5))));
      ps.setTimestamp(5, Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)));
      ps.executeUpdate();
    }
  }

  @Test
  void aKeyStoredInPlaintextBeforeStillLoadsAndIsEncryptedAtStart() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String kid = "plain-" + UUID.randomUUID();
    RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
    jwk.setKeyId(kid);
    jwk.setAlgorithm("RS256");
    jwk.setUse("sig");
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    // As a users without a key-encryption key wrote it.
    insertRetiredKey(kid, pkcs8, jwk);
    assertThat(storedBytes(kid)).isEqualTo(pkcs8);

    keys.load(); // what the start runs

    byte[] stored = storedBytes(kid);
    assertThat(PrivateKeyCipher.isPlaintext(stored)).isFalse();
    assertThat(PrivateKeyCipher.fromFile(KEY_FILE).decrypt(kid, stored)).isEqualTo(pkcs8);
    assertThat(keys.jwks()).contains(kid);
  }

  @Test
  void aWrongKeyFileIsAClearStartUpError() {
    Path wrong = keyFile(PrivateKeyCipher.newKey(new SecureRandom()));
    SigningKeys withWrongKey = keysWith(Optional.of(PrivateKeyCipher.fromFile(wrong)));

    assertThatThrownBy(withWrongKey::load)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(wrong.toString())
        .hasMessageContaining("not the key-encryption key");
  }

  @Test
  void encryptedKeysWithoutAKeyFileAreAClearStartUpError() {
    assertThatThrownBy(keysWith(Optional.empty())::load)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stored encrypted")
        .hasMessageContaining("BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE");
  }

  /** Every kid and its stored private key. */
  private Map<String, byte[]> storedKeys() throws Exception {
    Map<String, byte[]> stored = new java.util.TreeMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT kid, private_key FROM signing_keys");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        stored.put(rs.getString(1), rs.getBytes(2));
      }
    }
    return stored;
  }

  /**
   * Replacing the key-encryption key: a start with the new key and the old one as the previous key
   * reads every signing key and rewrites it under the new key; then the old one is not needed, and
   * a start with it alone fails. (The test then moves the keys back the same way, for the other
   * tests of this class.)
   */
  @Test
  void keysEncryptedUnderThePreviousKeyAreReadAndRewrittenUnderTheNewOne() throws Exception {
    PrivateKeyCipher old = PrivateKeyCipher.fromFile(KEY_FILE);
    Path newFile = keyFile(PrivateKeyCipher.newKey(new SecureRandom()));
    PrivateKeyCipher fresh = PrivateKeyCipher.fromFile(newFile);
    Map<String, byte[]> before = storedKeys();
    Map<String, byte[]> pkcs8 = new java.util.TreeMap<>();
    for (var e : before.entrySet()) {
      pkcs8.put(e.getKey(), old.decrypt(e.getKey(), e.getValue()));
    }
    String signing = keys.signer().kid();
    try {
      SigningKeys rekeyed = keysWith(Optional.of(fresh), Optional.of(old));
      rekeyed.load();

      assertThat(rekeyed.signer().kid()).as("the same key signs").isEqualTo(signing);
      Map<String, byte[]> after = storedKeys();
      assertThat(after.keySet()).containsAll(before.keySet());
      for (String kid : before.keySet()) {
        assertThat(fresh.decrypt(kid, after.get(kid))).as(kid).isEqualTo(pkcs8.get(kid));
        assertThatThrownBy(() -> old.decrypt(kid, after.get(kid)))
            .as(kid + " no longer opens with the old key")
            .isInstanceOf(javax.crypto.AEADBadTagException.class);
      }
      assertThatThrownBy(keysWith(Optional.of(old))::load)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not the key-encryption key");
    } finally {
      keysWith(Optional.of(old), Optional.of(fresh)).load();
    }
    for (var e : storedKeys().entrySet()) {
      old.decrypt(e.getKey(), e.getValue());
    }
  }

  /**
   * A key that opens with neither the current nor the previous key-encryption key stops the start,
   * naming both files, and the start's one transaction leaves every key as it was.
   */
  @Test
  void aKeyUnderNeitherKeyStopsTheStartAndNothingIsRewritten() throws Exception {
    PrivateKeyCipher old = PrivateKeyCipher.fromFile(KEY_FILE);
    Path newFile = keyFile(PrivateKeyCipher.newKey(new SecureRandom()));
    PrivateKeyCipher stranger =
        PrivateKeyCipher.fromFile(keyFile(PrivateKeyCipher.newKey(new SecureRandom())));
    KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    // Sorted last: every other key has been read and planned for re-encryption when it fails.
    String kid = "zz-stray-" + UUID.randomUUID();
    RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
    jwk.setKeyId(kid);
    insertRetiredKey(kid, stranger.encrypt(kid, pair.getPrivate().getEncoded()), jwk);
    try {
      Map<String, byte[]> before = storedKeys();
      assertThatThrownBy(
              keysWith(Optional.of(PrivateKeyCipher.fromFile(newFile)), Optional.of(old))::load)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(kid)
          .hasMessageContaining(newFile.toString())
          .hasMessageContaining(KEY_FILE.toString());
      Map<String, byte[]> after = storedKeys();
      assertThat(after.keySet()).isEqualTo(before.keySet());
      for (String k : before.keySet()) {
        assertThat(after.get(k)).as(k + " unchanged").isEqualTo(before.get(k));
      }
    } finally {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("DELETE FROM signing_keys WHERE kid = ?")) {
        ps.setString(1, kid);
        ps.executeUpdate();
      }
    }
  }

  @Test
  void aPreviousKeyWithoutACurrentOneIsRefused() {
    assertThatThrownBy(
            () ->
                new SigningKeyStore(
                    Optional.empty(), Optional.of(PrivateKeyCipher.fromFile(KEY_FILE))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(KEY_FILE.toString())
        .hasMessageContaining("BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE");
  }

  @Test
  void aMissingOrMalformedKeyFileIsRefusedNamingTheFile() {
    Path missing = KEY_FILE.resolveSibling("no-such-" + UUID.randomUUID() + ".aes");
    assertThatThrownBy(() -> PrivateKeyCipher.fromFile(missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot read")
        .hasMessageContaining(missing.toString());
    Path shortKey = keyFile("c2hvcnQ=");
    assertThatThrownBy(() -> PrivateKeyCipher.fromFile(shortKey))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(shortKey.toString())
        .hasMessageContaining("32 bytes");
    Path notBase64 = keyFile("not base64 at all!");
    assertThatThrownBy(() -> PrivateKeyCipher.fromFile(notBase64))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(notBase64.toString())
        .hasMessageNotContaining("not base64 at all");
  }
}
