package dev.bazaar.users.domain;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** bcrypt password hashes ($2b$) with a configurable cost. */
public final class PasswordHasher {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final int cost;
  private final String dummyHash;

  public PasswordHasher(int cost) {
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("bcrypt cost must be between 4 and 31, but was " + cost);
    }
    this.cost = cost;
    this.dummyHash = hash("not-a-real-password");
  }

  public String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", password.getBytes(StandardCharsets.UTF_8), salt, cost);
  }

  public boolean matches(String password, String hash) {
    return OpenBSDBCrypt.checkPassword(hash, password.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Spends the same time as a real check when the account does not exist, so response times do not
   * reveal which emails are registered.
   */
  public void burn(String password) {
    OpenBSDBCrypt.checkPassword(dummyHash, password.getBytes(StandardCharsets.UTF_8));
  }
}
