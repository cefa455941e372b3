package dev.bazaar.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets in this process's memory, for a single gateway instance. A bucket unused for its policy's
 * period is full again, so it is dropped then; the per-policy cache is bounded, and a bucket
 * evicted early under that bound starts full.
 */
public final class LocalRateLimiter implements RateLimiter {

  private final long maxBucketsPerPolicy;
  private final Map<String, Cache<String, Bucket>> byPolicy = new ConcurrentHashMap<>();

  public LocalRateLimiter(long maxBucketsPerPolicy) {
    this.maxBucketsPerPolicy = maxBucketsPerPolicy;
  }

  @Override
  public CompletionStage<RateLimitDecision> tryConsume(RateLimitPolicy policy, String key) {
    Cache<String, Bucket> buckets =
        byPolicy.computeIfAbsent(
            policy.name(),
            name ->
                Caffeine.newBuilder()
                    // Maintenance (eviction, expiry) on the calling event loop, amortized, instead
                    // of a hand-off to the common pool that wakes another thread per few requests.
                    .executor(Runnable::run)
                    .maximumSize(maxBucketsPerPolicy)
                    .expireAfterAccess(policy.period())
                    .build());
    Bucket bucket =
        buckets.get(
            key,
            k ->
                Bucket.builder()
                    .addLimit(
                        limit ->
                            limit
                                .capacity(policy.capacity())
                                .refillGreedy(policy.capacity(), policy.period()))
                    .build());
    return CompletableFuture.completedFuture(
        RateLimitDecision.of(bucket.tryConsumeAndReturnRemaining(1)));
  }
}
