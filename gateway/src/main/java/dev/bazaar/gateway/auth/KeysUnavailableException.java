package dev.bazaar.gateway.auth;

/**
 * A token signed by a key the gateway does not hold while the issuer's JWKS cannot be fetched
 * (users is down or restarting). Whether the token is valid cannot be known yet: the answer is a
 * 503 the client retries, not a 401 that would log a customer out. The message is safe to show.
 */
public final class KeysUnavailableException extends RuntimeException {

  public KeysUnavailableException() {
    super(
        "The keys that sign access tokens cannot be fetched from users right now; try again"
            + " shortly.",
        null,
        false,
        false);
  }
}
