package dev.bazaar.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

  private final LocalRateLimiter limiter = new LocalRateLimiter(1000);
  private final RateLimitPolicy policy =
      new RateLimitPolicy("p", 2, Duration.ofMinutes(1), RateLimitPolicy.KeyBy.CLIENT);

  @Test
  void capacityPassesThenRejectsWithWhenToRetry() {
    RateLimitDecision first = consume("a");
    RateLimitDecision second = consume("a");
    RateLimitDecision third = consume("a");
    assertThat(first.allowed()).isTrue();
    assertThat(first.remaining()).isEqualTo(1);
    assertThat(second.allowed()).isTrue();
    assertThat(second.remaining()).isZero();
    assertThat(third.allowed()).isFalse();
    assertThat(third.retryAfterSeconds()).isEqualTo(30);
    assertThat(third.header(policy)).isEqualTo("\"p\";r=0;t=60");
    assertThat(policy.header()).isEqualTo("\"p\";q=2;w=60");
    assertThat(consume("b").allowed()).isTrue();
  }

  private RateLimitDecision consume(String key) {
    return limiter.tryConsume(policy, key).toCompletableFuture().join();
  }
}
