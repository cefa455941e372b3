package dev.bazaar.launcher.infra;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The administrator password the launcher hands to users as {@code BAZAAR_ADMIN_PASSWORD}. Taken
 * from the environment when set there (no file is written); otherwise read from {@code
 * <data>/initial-admin-password}, which the first {@code up} creates (mode 600 from the moment it
 * exists) with a generated password that is printed once.
 */
public final class AdminPassword {
  public static final String FILE = "initial-admin-password";
  public static final String ENV = "BAZAAR_ADMIN_PASSWORD";
  public static final String EMAIL = "admin@bazaar.local";
  public static final int LENGTH = 24;

  /** URL-safe: the password can be pasted into a shell, JSON or a URL without quoting. */
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** Where the password came from this time. */
  public enum Source {
    ENVIRONMENT,
    /** Generated now, on the first {@code up} of this data dir. */
    GENERATED,
    FILE
  }

  /**
   * @param file the password file; null when the password came from the environment
   */
  public record Resolved(String password, Source source, Path file) {
    /** Prints the password only when it was generated now; otherwise says where it is. */
    public void announce(PrintStream out) {
      switch (source) {
        case GENERATED ->
            out.println(
                "admin account: " + EMAIL + " / password: " + password + " (also in " + file + ")");
        case FILE -> out.println("admin account: " + EMAIL + " (password in " + file + ")");
        case ENVIRONMENT ->
            out.println("admin account: " + EMAIL + " (password from $" + ENV + ")");
      }
      out.flush();
    }
  }

  private AdminPassword() {}

  /**
   * The password for this {@code up}.
   *
   * @param fromEnvironment the value of {@code BAZAAR_ADMIN_PASSWORD}, or null
   */
  public static Resolved resolve(Path dataDir, String fromEnvironment, RandomGenerator random) {
    Optional<Resolved> existing = existing(dataDir, fromEnvironment);
    if (existing.isPresent()) {
      return existing.get();
    }
    Path file = dataDir.resolve(FILE);
    try {
      String password = generate(random);
      write(file, password);
      return new Resolved(password, Source.GENERATED, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /**
   * The password {@code up} would use, without generating one: {@code BAZAAR_ADMIN_PASSWORD} when
   * set, else the content of {@code <data>/initial-admin-password}; empty when neither exists (for
   * commands that log in as the administrator of a running system).
   */
  public static Optional<Resolved> existing(Path dataDir, String fromEnvironment) {
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return Optional.of(new Resolved(fromEnvironment, Source.ENVIRONMENT, null));
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!stored.isEmpty()) {
          return Optional.of(new Resolved(stored, Source.FILE, file));
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static String generate(RandomGenerator random) {
    StringBuilder sb = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** Created 600 under a temporary name and moved into place: never readable by others. */
  private static void write(Path file, String password) throws IOException {
    SecretFile.write(file, password + "\n");
  }
}
