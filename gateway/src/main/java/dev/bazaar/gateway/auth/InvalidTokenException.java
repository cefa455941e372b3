package dev.bazaar.gateway.auth;

/**
 * A bearer token that the gateway does not accept. The message is safe to show to the client (it
 * goes into the problem detail and {@code WWW-Authenticate}); it never contains the token.
 */
public final class InvalidTokenException extends RuntimeException {

  public InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
