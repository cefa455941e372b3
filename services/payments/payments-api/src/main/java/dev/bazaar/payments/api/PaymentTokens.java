package dev.bazaar.payments.api;

import java.util.Set;

/**
 * The test card tokens of the simulated provider (README). Orders rejects any other token with a
 * 400 before a saga starts.
 */
public final class PaymentTokens {

  /** Authorizes. */
  public static final String OK = "tok_ok";

  /** Declines. */
  public static final String DECLINED = "tok_declined";

  /** Authorizes after a configurable delay ({@code bazaar.payments.slow-delay}). */
  public static final String SLOW = "tok_slow";

  /**
   * Fails transiently the first N attempts ({@code bazaar.payments.error-failures}), then
   * authorizes.
   */
  public static final String ERROR = "tok_error";

  public static final Set<String> KNOWN = Set.of(OK, DECLINED, SLOW, ERROR);

  public static boolean isKnown(String token) {
    return token != null && KNOWN.contains(token);
  }

  private PaymentTokens() {}
}
