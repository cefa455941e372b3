package dev.bazaar.users.tokens;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a signing private key for the {@code signing_keys} table with AES-256-GCM under a key
 * that is not in the database: the launcher generates it into {@code <data>/users-key.aes} (mode
 * 600) and hands users its path ({@code BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE}); in a cluster it is
 * a mounted secret. Whoever can read the database alone then has no usable private key.
 *
 * <p>Stored form: {@code "BZK1"} (4 bytes), a 12-byte random nonce, the ciphertext with its 16-byte
 * tag; the key id ({@code kid}) is bound in as associated data, so a ciphertext cannot be moved to
 * another row. A stored value without the prefix is a plaintext PKCS#8 key from before: {@link
 * #isPlaintext} tells the store to re-encrypt it.
 */
public final class PrivateKeyCipher {
  static final byte[] MAGIC = "BZK1".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random;
  private final String source;

  PrivateKeyCipher(byte[] key, SecureRandom random, String source) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "the key-encryption key must be 32 bytes (AES-256), but was " + key.length);
    }
    this.key = new SecretKeySpec(key, "AES");
    this.random = random;
    this.source = source;
  }

  /**
   * The cipher of the key in {@code file} (32 bytes, base64, as the launcher writes it). A missing,
   * unreadable or malformed file is an {@link IllegalStateException} that names the file and what
   * is wrong with it, never its content.
   */
  public static PrivateKeyCipher fromFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read the key-encryption key file "
              + file
              + " (BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE): "
              + e,
          e);
    }
    try {
      return new PrivateKeyCipher(
          Base64.getDecoder().decode(text.strip()), new SecureRandom(), "the key file " + file);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the key-encryption key file "
              + file
              + " must hold 32 bytes in base64 (as ./bazaar up writes it): "
              + e.getMessage(),
          e);
    }
  }

  /** Where the key came from, for messages (never the key itself). */
  public String source() {
    return source;
  }

  /** A new random key in the file format: 32 bytes, base64. */
  public static String newKey(SecureRandom random) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  public byte[] encrypt(String kid, byte[] pkcs8) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(pkcs8);
      return ByteBuffer.allocate(MAGIC.length + NONCE + sealed.length)
          .put(MAGIC)
          .put(nonce)
          .put(sealed)
          .array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The PKCS#8 key; fails (AEADBadTagException) for a wrong key, kid or tampered bytes. */
  public byte[] decrypt(String kid, byte[] stored) throws GeneralSecurityException {
    if (isPlaintext(stored)) {
      throw new IllegalArgumentException("key " + kid + " is stored unencrypted");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, MAGIC.length, NONCE));
    c.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
    return c.doFinal(stored, MAGIC.length + NONCE, stored.length - MAGIC.length - NONCE);
  }

  /** True for a key stored before encryption (PKCS#8 DER starts with 0x30, never "BZK1"). */
  public static boolean isPlaintext(byte[] stored) {
    return stored.length < MAGIC.length
        || !Arrays.equals(Arrays.copyOf(stored, MAGIC.length), MAGIC);
  }
}
