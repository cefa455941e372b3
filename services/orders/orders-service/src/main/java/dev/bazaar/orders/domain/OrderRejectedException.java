package dev.bazaar.orders.domain;

/**
 * An order that cannot be placed as asked although the request itself was well-formed, such as one
 * that mixes currencies. {@code reason} is a stable slug clients can branch on.
 */
public final class OrderRejectedException extends RuntimeException {

  private final String reason;

  public OrderRejectedException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
