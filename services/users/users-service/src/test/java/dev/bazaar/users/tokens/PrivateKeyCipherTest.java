package dev.bazaar.users.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PrivateKeyCipherTest {
  static final SecureRandom RANDOM = new SecureRandom();

  static PrivateKeyCipher cipher(String base64) {
    return new PrivateKeyCipher(Base64.getDecoder().decode(base64), RANDOM, "a test key");
  }

  @Test
  void aStoredKeyIsUnreadableWithoutTheKeyEncryptionKey() throws Exception {
    byte[] pkcs8 = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded();
    PrivateKeyCipher cipher = cipher(PrivateKeyCipher.newKey(RANDOM));
    byte[] stored = cipher.encrypt("kid-1", pkcs8);

    assertThat(PrivateKeyCipher.isPlaintext(stored)).isFalse();
    assertThat(PrivateKeyCipher.isPlaintext(pkcs8)).isTrue();
    assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(pkcs8, 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(cipher.decrypt("kid-1", stored)).isEqualTo(pkcs8);

    assertThatThrownBy(() -> cipher(PrivateKeyCipher.newKey(RANDOM)).decrypt("kid-1", stored))
        .isInstanceOf(GeneralSecurityException.class);
    assertThatThrownBy(() -> cipher.decrypt("kid-2", stored))
        .as("a ciphertext moved to another kid")
        .isInstanceOf(GeneralSecurityException.class);
    stored[stored.length - 1] ^= 1;
    assertThatThrownBy(() -> cipher.decrypt("kid-1", stored))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void onlyA256BitKeyIsAccepted() {
    assertThatThrownBy(() -> new PrivateKeyCipher(new byte[16], RANDOM, "a short key"))
        .hasMessageContaining("32 bytes");
  }
}
