package dev.bazaar.users.api;

import java.util.List;

/**
 * The shape of the JSON Web Key Set that {@code GET /api/v1/auth/jwks} serves (RFC 7517), for the
 * OpenAPI document only: the body itself is written by {@code SigningKeys}.
 */
public record Jwks(List<Key> keys) {

  /** One RSA public key. */
  public record Key(String kty, String kid, String use, String alg, String n, String e) {}
}
