package dev.bazaar.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  @Test
  void startsWithABurstThenAllowsOneRetryPerFiveRequests() {
    RetryBudget budget = new RetryBudget(0.2, 3);
    int burst = 0;
    while (budget.tryRetry()) {
      burst++;
    }
    assertThat(burst).isEqualTo(3);
    int retries = 0;
    for (int i = 0; i < 1000; i++) {
      budget.onRequest();
      if (budget.tryRetry()) {
        retries++;
      }
    }
    assertThat(retries).isEqualTo(200);
  }

  @Test
  void retriesNeverExceedTwentyPercentPlusTheBurstWhenEveryRequestWantsSeveral() {
    RetryBudget budget = new RetryBudget(0.2, 10);
    int requests = 5_000;
    int retries = 0;
    for (int i = 0; i < requests; i++) {
      budget.onRequest();
      for (int attempt = 0; attempt < 3 && budget.tryRetry(); attempt++) {
        retries++;
      }
    }
    assertThat(retries).isLessThanOrEqualTo((int) (0.2 * requests) + 10);
  }

  @Test
  void theBucketIsCapped() {
    RetryBudget budget = new RetryBudget(0.2, 2);
    for (int i = 0; i < 100; i++) {
      budget.onRequest();
    }
    assertThat(budget.tokens()).isEqualTo(2);
  }
}
