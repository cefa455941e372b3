package dev.bazaar.gateway.ratelimit;

import io.github.bucket4j.ConsumptionProbe;

/**
 * What the limiter decided for one request.
 *
 * @param allowed whether the request may pass
 * @param enforced false when the bucket store could not be asked and the request passes anyway
 * @param remaining tokens left in the bucket
 * @param resetSeconds seconds until the bucket is full again
 * @param retryAfterSeconds when rejected, seconds until the next token; otherwise 0
 */
public record RateLimitDecision(
    boolean allowed, boolean enforced, long remaining, long resetSeconds, long retryAfterSeconds) {

  /** Let through without asking the store (it failed); no headers are sent for it. */
  public static final RateLimitDecision UNENFORCED = new RateLimitDecision(true, false, 0, 0, 0);

  static RateLimitDecision of(ConsumptionProbe probe) {
    long reset = RateLimitPolicy.ceilSeconds(probe.getNanosToWaitForReset());
    if (probe.isConsumed()) {
      return new RateLimitDecision(true, true, probe.getRemainingTokens(), reset, 0);
    }
    long retry = Math.max(1, RateLimitPolicy.ceilSeconds(probe.getNanosToWaitForRefill()));
    return new RateLimitDecision(false, true, probe.getRemainingTokens(), reset, retry);
  }

  /** The {@code RateLimit} field value, e.g. {@code "default";r=0;t=10}. */
  public String header(RateLimitPolicy policy) {
    return "\"" + policy.name() + "\";r=" + remaining + ";t=" + resetSeconds;
  }
}
