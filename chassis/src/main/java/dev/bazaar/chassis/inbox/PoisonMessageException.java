package dev.bazaar.chassis.inbox;

/**
 * A message that can never be handled, however often it is tried: unreadable, or from a sender that
 * may not send it. The consumer parks it at once instead of retrying.
 */
public class PoisonMessageException extends RuntimeException {
  public PoisonMessageException(String message) {
    super(message);
  }
}
