package dev.bazaar.gateway.auth;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The caller as a verified access token describes them.
 *
 * @param subject the {@code sub} claim (the user id)
 * @param roles the {@code groups} claim
 * @param expiresAt the {@code exp} claim, seconds since the epoch
 * @param rolesHeader the roles as sent upstream in {@code X-Bazaar-Roles}: sorted and
 *     comma-separated. Derived from {@code roles} once per verified token (verified identities are
 *     cached); whatever is passed is replaced.
 */
public record Identity(String subject, Set<String> roles, long expiresAt, String rolesHeader) {

  public Identity {
    Objects.requireNonNull(subject, "subject");
    roles = Set.copyOf(roles);
    rolesHeader = String.join(",", new TreeSet<>(roles));
  }

  public Identity(String subject, Set<String> roles, long expiresAt) {
    this(subject, roles, expiresAt, null);
  }
}
