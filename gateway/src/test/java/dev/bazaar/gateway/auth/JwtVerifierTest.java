package dev.bazaar.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.gateway.TestIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

  private final TestIssuer issuer = new TestIssuer();
  private final MutableClock clock = new MutableClock(Instant.now());
  private final AtomicInteger fetches = new AtomicInteger();
  private final JwksKeys keys =
      new JwksKeys(
          () -> {
            fetches.incrementAndGet();
            return CompletableFuture.completedFuture(issuer.jwks());
          },
          clock,
          Duration.ofSeconds(10));
  private final JwtVerifier verifier =
      new JwtVerifier(
          keys, clock, TestIssuer.ISSUER, TestIssuer.AUDIENCE, Duration.ofSeconds(30), 100);

  @Test
  void aVerifiedTokenIsNotVerifiedAgain() {
    String token = issuer.token("alice", "customer").sign();
    Identity first = join(verifier.verify(token));
    Identity second = join(verifier.verify(token));
    assertThat(first.subject()).isEqualTo("alice");
    assertThat(first.roles()).containsExactly("customer");
    assertThat(second).isEqualTo(first);
    assertThat(verifier.signatureChecks()).isEqualTo(1);
  }

  @Test
  void aCachedTokenStillExpires() {
    String token = issuer.token("alice").expiresIn(Duration.ofMinutes(1)).sign();
    join(verifier.verify(token));
    clock.advance(Duration.ofSeconds(60 + 31));
    assertThatThrownBy(() -> join(verifier.verify(token)))
        .hasCauseInstanceOf(InvalidTokenException.class)
        .cause()
        .hasMessage("The token has expired.");
  }

  @Test
  void theKeysAreFetchedOnTheFirstTokenAndRefetchedAtMostOncePerInterval() {
    join(verifier.verify(issuer.token("alice").sign()));
    assertThat(fetches).hasValue(1);

    issuer.createUnpublished("k2");
    String rotated = issuer.token("bob").kid("k2").sign();
    // Within the interval: no fetch, unknown key.
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> join(verifier.verify(rotated)))
          .cause()
          .hasMessage("The token is signed by an unknown key.");
    }
    assertThat(fetches).hasValue(1);

    issuer.publish("k2");
    clock.advance(Duration.ofSeconds(10));
    assertThat(join(verifier.verify(rotated)).subject()).isEqualTo("bob");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void concurrentRefreshesShareOneFetch() {
    CompletableFuture<String> slow = new CompletableFuture<>();
    AtomicInteger started = new AtomicInteger();
    JwksKeys slowKeys =
        new JwksKeys(
            () -> {
              started.incrementAndGet();
              return slow;
            },
            clock,
            Duration.ofSeconds(10));
    CompletionStage<JwksKeys.KeySet> a = slowKeys.refresh();
    CompletionStage<JwksKeys.KeySet> b = slowKeys.refresh();
    slow.complete(issuer.jwks());
    assertThat(started).hasValue(1);
    assertThat(a.toCompletableFuture().join().byKid()).containsKey("k1");
    assertThat(b.toCompletableFuture().join()).isSameAs(a.toCompletableFuture().join());
  }

  @Test
  void aFailedFetchKeepsTheKeysAndIsRetriedAfterASecond() {
    AtomicReference<CompletableFuture<String>> next =
        new AtomicReference<>(CompletableFuture.completedFuture(issuer.jwks()));
    JwksKeys flaky = new JwksKeys(next::get, clock, Duration.ofSeconds(10));
    flaky.refresh();
    next.set(CompletableFuture.failedFuture(new IllegalStateException("users is down")));
    clock.advance(Duration.ofSeconds(10));
    assertThat(flaky.refresh().toCompletableFuture().join().byKid()).containsKey("k1");
    assertThat(flaky.fetches()).isEqualTo(2);
    clock.advance(Duration.ofMillis(1001));
    flaky.refresh();
    assertThat(flaky.fetches()).isEqualTo(3);
  }

  @Test
  void audienceMayBeAList() {
    String token =
        issuer
            .token("alice")
            .claim("aud", new io.vertx.core.json.JsonArray().add("other").add("bazaar"))
            .sign();
    assertThat(join(verifier.verify(token)).subject()).isEqualTo("alice");
  }

  @Test
  void notBeforeInTheFutureIsRefused() {
    String token =
        issuer
            .token("alice")
            .claim("nbf", clock.instant().plusSeconds(120).getEpochSecond())
            .sign();
    assertThatThrownBy(() -> join(verifier.verify(token)))
        .cause()
        .hasMessage("The token is not valid yet.");
  }

  private static Identity join(CompletionStage<Identity> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e;
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
