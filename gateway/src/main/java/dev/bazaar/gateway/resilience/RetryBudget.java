package dev.bazaar.gateway.resilience;

/**
 * A token bucket that keeps retries to a share of the traffic: every request adds {@code ratio}
 * tokens (0.2 by default), every retry costs one, and the bucket holds at most {@code maxTokens}.
 * Over any stretch of N requests there are therefore at most {@code ratio * N + maxTokens} retries:
 * retries add at most 20% load plus a small burst, however badly an upstream fails. The bucket
 * starts full so that a quiet gateway can still retry its first failures.
 */
public final class RetryBudget {

  /** Tokens are counted in thousandths so that five deposits of 0.2 make exactly one token. */
  private static final long ONE = 1000;

  private final long deposit;
  private final long max;
  private long tokens;

  public RetryBudget(double ratio, double maxTokens) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException("budget ratio must be in [0, 1], but was " + ratio);
    }
    if (!(maxTokens >= 1)) {
      throw new IllegalArgumentException(
          "budget max tokens must be at least 1, but was " + maxTokens);
    }
    this.deposit = Math.round(ratio * ONE);
    this.max = Math.round(maxTokens * ONE);
    this.tokens = max;
  }

  /** A request arrived (its first attempt): deposit {@code ratio} tokens. */
  public synchronized void onRequest() {
    tokens = Math.min(max, tokens + deposit);
  }

  /** Takes one token for a retry; false when the budget is spent. */
  public synchronized boolean tryRetry() {
    if (tokens >= ONE) {
      tokens -= ONE;
      return true;
    }
    return false;
  }

  public synchronized double tokens() {
    return (double) tokens / ONE;
  }
}
