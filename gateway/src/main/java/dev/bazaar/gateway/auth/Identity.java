package dev.bazaar.gateway.auth;

import java.util.Objects;
import java.util.Set;

/**
 * The caller as a verified access token describes them.
 *
 * @param subject the {@code sub} claim (the user id)
 * @param roles the {@code groups} claim
 * @param expiresAt the {@code exp} claim, seconds since the epoch
 */
public record Identity(String subject, Set<String> roles, long expiresAt) {

  public Identity {
    Objects.requireNonNull(subject, "subject");
    roles = Set.copyOf(roles);
  }
}
