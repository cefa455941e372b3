package dev.bazaar.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis-backed limiter against a real Redis ({@code REDIS_URL}, else 127.0.0.1:6379). Two
 * limiter instances with their own connections stand in for two gateway instances; each run uses
 * its own key prefix.
 */
class RedisRateLimiterIT {

  private static final String REDIS_URL =
      System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
  private static final RateLimitPolicy POLICY =
      new RateLimitPolicy("it", 5, Duration.ofHours(1), RateLimitPolicy.KeyBy.CLIENT);

  private final String prefix = "bazaar:it:" + UUID.randomUUID() + ":";
  private final List<RateLimiter> limiters = new ArrayList<>();
  private final AtomicInteger failOpenMetric = new AtomicInteger();

  @AfterEach
  void close() {
    limiters.forEach(RateLimiter::close);
  }

  @Test
  void twoInstancesShareOneBucket() {
    RedisRateLimiter gatewayA = warm(limiter(REDIS_URL));
    RedisRateLimiter gatewayB = warm(limiter(REDIS_URL));
    List<RateLimitDecision> decisions = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      RedisRateLimiter gateway = i % 2 == 0 ? gatewayA : gatewayB;
      decisions.add(gateway.tryConsume(POLICY, "client-1").toCompletableFuture().join());
    }
    assertThat(decisions).allMatch(RateLimitDecision::enforced);
    assertThat(decisions.subList(0, 5)).allMatch(RateLimitDecision::allowed);
    assertThat(decisions.stream().map(RateLimitDecision::remaining))
        .containsExactly(4L, 3L, 2L, 1L, 0L, 0L);
    RateLimitDecision sixth = decisions.get(5);
    assertThat(sixth.allowed()).isFalse();
    assertThat(sixth.retryAfterSeconds()).isBetween(700L, 720L);
    // Another client is not affected, on either instance.
    assertThat(gatewayB.tryConsume(POLICY, "client-2").toCompletableFuture().join().allowed())
        .isTrue();
  }

  @Test
  void redisDownFailsOpenAndCountsIt() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    RedisRateLimiter limiter = limiter("redis://127.0.0.1:" + closedPort);
    for (int i = 0; i < POLICY.capacity() + 3; i++) {
      RateLimitDecision decision =
          limiter.tryConsume(POLICY, "client-1").toCompletableFuture().join();
      assertThat(decision.allowed()).isTrue();
      assertThat(decision.enforced()).isFalse();
    }
    assertThat(limiter.failOpens()).isEqualTo(POLICY.capacity() + 3);
    assertThat(failOpenMetric).hasValue((int) POLICY.capacity() + 3);
  }

  /** Connected, and the first (class-loading) bucket operation done, as in a running gateway. */
  private static RedisRateLimiter warm(RedisRateLimiter limiter) {
    // A first connect that misses its 500 ms on a loaded machine is retried in the background,
    // as in a running gateway; what counts is that buckets are enforced within the wait below.
    limiter
        .ready()
        .toCompletableFuture()
        .orTimeout(5, TimeUnit.SECONDS)
        .exceptionally(failure -> null)
        .join();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> limiter.tryConsume(POLICY, "warm-up").toCompletableFuture().join().enforced());
    return limiter;
  }

  private RedisRateLimiter limiter(String url) {
    RedisRateLimiter limiter =
        new RedisRateLimiter(
            url,
            prefix,
            Duration.ofMillis(500),
            Clock.systemUTC(),
            failOpenMetric::incrementAndGet);
    limiters.add(limiter);
    return limiter;
  }
}
