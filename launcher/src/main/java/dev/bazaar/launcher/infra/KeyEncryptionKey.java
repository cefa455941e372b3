package dev.bazaar.launcher.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * {@code <data>/users-key.aes} (mode 600 from its creation): the AES-256 key with which users
 * encrypts its signing private keys in its database (see {@code PrivateKeyCipher} in users). It is
 * kept outside PostgreSQL on purpose: a copy of the database alone holds no usable private key.
 * Users gets its path, not its value, as {@value #ENV}.
 */
public final class KeyEncryptionKey {
  public static final String FILE = "users-key.aes";
  public static final String ENV = "BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE";

  private KeyEncryptionKey() {}

  /** The key file, generated on first use and kept. */
  public static Path ensure(Path dataDir, SecureRandom random) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      SecretFile.restrict(file);
      return file;
    }
    byte[] key = new byte[32];
    random.nextBytes(key);
    SecretFile.write(file, Base64.getEncoder().encodeToString(key) + "\n");
    return file;
  }
}
