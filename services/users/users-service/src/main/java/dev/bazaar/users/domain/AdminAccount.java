package dev.bazaar.users.domain;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** The one administrator account: who it is and what a usable bootstrap password looks like. */
public final class AdminAccount {

  public static final String EMAIL = "admin@bazaar.local";
  public static final String NAME = "Administrator";
  public static final String ROLE = "admin";

  /** The administrator may also use the shop as a customer (orders, notifications). */
  public static final List<String> ROLES = List.of(ROLE, "customer");

  public static final int MIN_PASSWORD_LENGTH = 12;

  /** bcrypt reads at most 72 bytes of a password. */
  public static final int MAX_PASSWORD_BYTES = 72;

  private AdminAccount() {}

  /** True for the administrator's email in any case: registration may not take it. */
  public static boolean isReserved(String email) {
    return email != null && email.strip().toLowerCase(Locale.ROOT).equals(EMAIL);
  }

  /**
   * Why {@code password} cannot be the administrator's, or null when it can. The message never
   * contains the password.
   */
  public static String checkPassword(String password) {
    if (password == null || password.isBlank()) {
      return "the administrator password (BAZAAR_ADMIN_PASSWORD) is empty";
    }
    if (password.length() < MIN_PASSWORD_LENGTH) {
      return "the administrator password (BAZAAR_ADMIN_PASSWORD) must be at least "
          + MIN_PASSWORD_LENGTH
          + " characters long, but was "
          + password.length();
    }
    int bytes = password.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PASSWORD_BYTES) {
      return "the administrator password (BAZAAR_ADMIN_PASSWORD) must be at most "
          + MAX_PASSWORD_BYTES
          + " bytes long, but was "
          + bytes;
    }
    return null;
  }
}
