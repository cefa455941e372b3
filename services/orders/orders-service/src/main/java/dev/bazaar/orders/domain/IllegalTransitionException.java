package dev.bazaar.orders.domain;

/** A command the order cannot accept in the state it is in; the message names that state. */
public final class IllegalTransitionException extends RuntimeException {

  private final Order.Phase phase;

  public IllegalTransitionException(Order.Phase phase, String message) {
    super(message);
    this.phase = phase;
  }

  /** The state the order was in when the command arrived. */
  public Order.Phase phase() {
    return phase;
  }
}
