package dev.bazaar.payments.domain;

/** Where a payment of one order stands. */
public enum PaymentStatus {
  /** Sent to the provider, which answers later (tok_slow); not visible over HTTP. */
  PENDING,
  /** Charged. */
  AUTHORIZED,
  /** Not charged: the provider declined, or the order was refunded first. */
  DECLINED,
  /** Charged, then refunded. */
  REFUNDED,
  /**
   * A refund arrived before any authorization: nothing was charged, and a later authorization for
   * the order is declined. Not a payment; never visible over HTTP.
   */
  VOIDED;

  /** Whether {@code GET /api/v1/payments} shows it. */
  public boolean visible() {
    return this == AUTHORIZED || this == DECLINED || this == REFUNDED;
  }
}
