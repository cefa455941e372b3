package dev.bazaar.gateway.ratelimit;

import java.util.concurrent.CompletionStage;

/** Token buckets by key. Implementations never block the caller and never fail the stage. */
public interface RateLimiter extends AutoCloseable {

  /** Takes one token from the bucket {@code key} of {@code policy}. */
  CompletionStage<RateLimitDecision> tryConsume(RateLimitPolicy policy, String key);

  @Override
  default void close() {}
}
