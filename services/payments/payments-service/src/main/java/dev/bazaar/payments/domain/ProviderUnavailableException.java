package dev.bazaar.payments.domain;

/**
 * The provider failed transiently: nothing was decided, so the command must be tried again. The
 * consumer lets it propagate, which rolls the handler's transaction back and makes the chassis
 * redeliver the command with its attempt count.
 */
public class ProviderUnavailableException extends RuntimeException {
  public ProviderUnavailableException(String message) {
    super(message);
  }
}
