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
    SigningKeys other = new SigningKeys();
    other.dataSource = dataSource;
    other.store = new SigningKeyStore(cipher);
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

  @Test
  void aKeyStoredInPlaintextBeforeStillLoadsAndIsEncryptedAtStart() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String kid = "plain-" + UUID.randomUUID();
    RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) pair.getPublic());
    jwk.setKeyId(kid);
    jwk.setAlgorithm("RS256");
    jwk.setUse("sig");
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    // As a users without a key-encryption key wrote it: retired a moment ago, so it is still
    // published but does not sign.
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO signing_keys (kid, private_key, public_jwk, created_at, retired_at)"
                    + " VALUES (?, ?, ?::jsonb, ?, ?)")) {
      ps.setString(1, kid);
      ps.setBytes(2, pkcs8);
      ps.setString(3, jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
      ps.setTimestamp(4, Timestamp.from(clock.instant().minus(Duration.ofMinutes(5))));
      ps.setTimestamp(5, Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)));
      ps.executeUpdate();
    }
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
