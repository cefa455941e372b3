package dev.bazaar.gateway.resilience;

/**
 * Which failed attempts of a route's requests are tried again on another instance ({@code
 * bazaar.gateway.routes.<route>.retry}).
 */
public enum RetryPolicy {
  /** Every request gets one attempt; a failure is answered at once. */
  NONE,
  /**
   * The default: a failure before anything was sent (no connection) is retried for any method; a
   * connection that broke before the response headers is retried for idempotent methods without a
   * body. Timeouts and upstream answers are never retried.
   */
  IDEMPOTENT
}
