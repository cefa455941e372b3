package dev.bazaar.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.gateway.pipeline.Forwarding.Failure;
import dev.bazaar.gateway.resilience.RetryPolicy;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which failed attempts a route's retry policy tries again on another instance. */
class RetryRulesTest {

  @ParameterizedTest(name = "{0} {1} {2} body={3} -> {4}")
  @CsvSource({
    // idempotent (the default): nothing sent -> any method; broken -> idempotent without a body.
    "IDEMPOTENT, CONNECT, POST, true, true",
    "IDEMPOTENT, CONNECT, GET, false, true",
    "IDEMPOTENT, RESET, GET, false, true",
    "IDEMPOTENT, RESET, DELETE, false, true",
    "IDEMPOTENT, RESET, PUT, true, false",
    "IDEMPOTENT, RESET, POST, false, false",
    "IDEMPOTENT, RESET, PATCH, false, false",
    "IDEMPOTENT, TIMEOUT, GET, false, false",
    // none: never.
    "NONE, CONNECT, GET, false, false",
    "NONE, CONNECT, POST, true, false",
    "NONE, RESET, GET, false, false",
    "NONE, TIMEOUT, GET, false, false"
  })
  void retryTable(
      RetryPolicy policy, Failure failure, String method, boolean body, boolean retried) {
    assertThat(Forwarding.retryable(policy, failure, HttpMethod.valueOf(method), body))
        .isEqualTo(retried);
  }
}
