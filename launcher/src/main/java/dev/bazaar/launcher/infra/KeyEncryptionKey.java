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
 *
 * <p>To replace the key, rename the file to {@value #PREVIOUS_FILE} and start again: the launcher
 * makes a new {@value #FILE}, and users, told of both ({@value #PREVIOUS_ENV}), re-encrypts every
 * signing key under the new one at start. The previous file can be deleted after that start.
 */
public final class KeyEncryptionKey {
  public static final String FILE = "users-key.aes";
  public static final String ENV = "BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE";

  /** The key being replaced, while it is. */
  public static final String PREVIOUS_FILE = "users-key.previous.aes";

  public static final String PREVIOUS_ENV = "BAZAAR_USERS_PREVIOUS_KEY_ENCRYPTION_KEY_FILE";

  /** Where users finds its key files: the current one, and the previous one if there is one. */
  public static java.util.Map<String, String> environment(Path dataDir) {
    Path previous = dataDir.resolve(PREVIOUS_FILE);
    String current = dataDir.resolve(FILE).toString();
    return Files.exists(previous)
        ? java.util.Map.of(ENV, current, PREVIOUS_ENV, previous.toString())
        : java.util.Map.of(ENV, current);
  }

  private KeyEncryptionKey() {}

  /** The key file, generated on first use and kept. */
  public static Path ensure(Path dataDir, SecureRandom random) throws IOException {
    Path file = dataDir.resolve(FILE);
    Path previous = dataDir.resolve(PREVIOUS_FILE);
    if (Files.exists(previous)) {
      SecretFile.restrict(previous);
    }
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
