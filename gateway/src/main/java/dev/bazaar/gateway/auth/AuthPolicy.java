package dev.bazaar.gateway.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who may use a route: anyone ({@code public}), any holder of a valid token ({@code
 * authenticated}), or a holder whose token carries a role ({@code role:admin}).
 *
 * @param kind which of the three
 * @param role the required role for {@link Kind#ROLE}, otherwise {@code null}
 */
public record AuthPolicy(Kind kind, String role) {

  public enum Kind {
    PUBLIC,
    AUTHENTICATED,
    ROLE
  }

  public static final AuthPolicy PUBLIC = new AuthPolicy(Kind.PUBLIC, null);
  public static final AuthPolicy AUTHENTICATED = new AuthPolicy(Kind.AUTHENTICATED, null);

  private static final String ROLE_PREFIX = "role:";

  public AuthPolicy {
    Objects.requireNonNull(kind, "kind");
    if ((kind == Kind.ROLE) != (role != null)) {
      throw new IllegalArgumentException("a role is required for, and only for, role policies");
    }
  }

  /**
   * Parses the configuration form.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static AuthPolicy parse(String value) {
    String v = value == null ? "" : value.trim();
    if (v.equals("public")) {
      return PUBLIC;
    }
    if (v.equals("authenticated")) {
      return AUTHENTICATED;
    }
    if (v.startsWith(ROLE_PREFIX) && v.length() > ROLE_PREFIX.length()) {
      String role = v.substring(ROLE_PREFIX.length());
      if (role.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
        return new AuthPolicy(Kind.ROLE, role);
      }
    }
    throw new IllegalArgumentException(
        "must be public, authenticated or role:<role>, but was '" + value + "'");
  }

  /** Whether a request must carry a valid token at all. */
  public boolean requiresIdentity() {
    return kind != Kind.PUBLIC;
  }

  /** Whether a verified caller with these roles may pass. */
  public boolean admits(Set<String> roles) {
    return kind != Kind.ROLE || roles.contains(role);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case PUBLIC -> "public";
      case AUTHENTICATED -> "authenticated";
      case ROLE -> ROLE_PREFIX + role;
    };
  }
}
