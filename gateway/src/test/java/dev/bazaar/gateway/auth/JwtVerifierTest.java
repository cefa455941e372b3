package dev.bazaar.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.gateway.TestIssuer;
import java.nio.charset.StandardCharsets;
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
  void anUnknownKeyWhileTheJwksIsUnreachableIsUnavailableNotInvalid() {
    AtomicReference<CompletableFuture<String>> next =
        new AtomicReference<>(CompletableFuture.failedFuture(new IllegalStateException("down")));
    JwksKeys flaky = new JwksKeys(next::get, clock, Duration.ofSeconds(10));
    JwtVerifier v =
        new JwtVerifier(
            flaky, clock, TestIssuer.ISSUER, TestIssuer.AUDIENCE, Duration.ofSeconds(30), 100);
    String token = issuer.token("alice", "customer").sign();
    assertThatThrownBy(() -> join(v.verify(token)))
        .hasCauseInstanceOf(KeysUnavailableException.class);

    // users is back: after the one-second back-off the same token verifies.
    next.set(CompletableFuture.completedFuture(issuer.jwks()));
    clock.advance(Duration.ofMillis(1001));
    assertThat(join(v.verify(token)).subject()).isEqualTo("alice");

    // With the JWKS reachable, a key it does not publish makes the token invalid.
    issuer.createUnpublished("k9");
    clock.advance(Duration.ofSeconds(10));
    assertThatThrownBy(() -> join(v.verify(issuer.token("bob").kid("k9").sign())))
        .hasCauseInstanceOf(InvalidTokenException.class);
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

  private static <T> T join(CompletionStage<T> stage) {
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

  @Test
  void onlyAccessTokenTypesAreAccepted() {
    assertThat(join(verifier.verify(issuer.token("a").typ("at+jwt").sign())).subject())
        .isEqualTo("a");
    assertThat(join(verifier.verify(issuer.token("b").typ("application/AT+JWT").sign())).subject())
        .isEqualTo("b");
    for (String typ : new String[] {null, "id+jwt", "JOSE", "logout+jwt"}) {
      String token = issuer.token("c").typ(typ).sign();
      assertThatThrownBy(() -> join(verifier.verify(token)))
          .as("typ %s", typ)
          .hasCauseInstanceOf(InvalidTokenException.class)
          .cause()
          .hasMessage("The token is not an access token (typ).");
    }
  }

  @Test
  void aCachedTokenOfAWithdrawnKeyStopsVerifyingWithTheRefreshThatDropsIt() {
    issuer.publish("old");
    String token = issuer.token("alice").kid("old").sign();
    assertThat(join(verifier.verify(token)).subject()).isEqualTo("alice");
    // Still cached and still published: no second signature check.
    assertThat(join(verifier.verify(token)).subject()).isEqualTo("alice");
    assertThat(verifier.signatureChecks()).isEqualTo(1);

    issuer.withdraw("old");
    clock.advance(Duration.ofSeconds(10));
    join(keys.refresh());
    assertThatThrownBy(() -> join(verifier.verify(token)))
        .cause()
        .hasMessage("The token is signed by an unknown key.");
    // A token of a key that stayed keeps verifying across the refresh.
    assertThat(join(verifier.verify(issuer.token("bob").sign())).subject()).isEqualTo("bob");
  }

  @Test
  void theScheduleHonoursCacheControlWithinItsBounds() {
    assertThat(JwksKeys.maxAge("public, max-age=60")).isEqualTo(Duration.ofSeconds(60));
    assertThat(JwksKeys.maxAge("no-store")).isEqualTo(Duration.ZERO);
    assertThat(JwksKeys.maxAge("max-age=abc")).isEqualTo(Duration.ZERO);
    assertThat(JwksKeys.maxAge("public")).isNull();
    assertThat(JwksKeys.maxAge(null)).isNull();

    AtomicReference<Duration> maxAge = new AtomicReference<>();
    JwksKeys scheduled =
        JwksKeys.withDocuments(
            () ->
                CompletableFuture.completedFuture(
                    new JwksKeys.Document(issuer.jwks(), maxAge.get())),
            clock,
            Duration.ofSeconds(10));
    Duration max = Duration.ofMinutes(5);
    join(scheduled.refresh());
    assertThat(scheduled.untilNextRefresh(max)).as("no max-age").isEqualTo(max);
    maxAge.set(Duration.ofSeconds(60));
    clock.advance(Duration.ofSeconds(10));
    join(scheduled.refresh());
    assertThat(scheduled.untilNextRefresh(max)).isEqualTo(Duration.ofSeconds(60));
    maxAge.set(Duration.ofDays(1));
    clock.advance(Duration.ofSeconds(10));
    join(scheduled.refresh());
    assertThat(scheduled.untilNextRefresh(max)).as("capped").isEqualTo(max);
    maxAge.set(Duration.ZERO);
    clock.advance(Duration.ofSeconds(10));
    join(scheduled.refresh());
    assertThat(scheduled.untilNextRefresh(max)).as("floored").isEqualTo(Duration.ofSeconds(10));
  }

  private void assertRefused(String token, String message) {
    assertThatThrownBy(() -> join(verifier.verify(token)))
        .hasCauseInstanceOf(InvalidTokenException.class)
        .cause()
        .hasMessage(message);
  }

  /** RFC 8725 §3.7: claims that are not UTF-8 are refused, even under a valid signature. */
  @Test
  void claimsThatAreNotUtf8AreRefusedEvenWhenSigned() {
    String valid = issuer.token("alice").claim("name", "Zoë").sign().split("\\.")[1];
    byte[] utf8 = java.util.Base64.getUrlDecoder().decode(valid);
    // The same claims with "ë" as ISO-8859-1 (0xEB, a lone lead byte) and as an overlong "/".
    byte[] latin1 = new String(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.ISO_8859_1);
    assertThat(latin1).as("the claims hold a non-ASCII character").isNotEqualTo(utf8);
    byte[] overlong =
        new String(utf8, StandardCharsets.UTF_8)
            .replace("Zoë", "Zo@@")
            .getBytes(StandardCharsets.UTF_8);
    int at = indexOf(overlong, "@@".getBytes(StandardCharsets.US_ASCII));
    overlong[at] = (byte) 0xC0;
    overlong[at + 1] = (byte) 0xAF;

    assertThat(join(verifier.verify(issuer.token("alice").claim("name", "Zoë").sign())).subject())
        .isEqualTo("alice");
    assertRefused(
        issuer.token("alice").signPayload(latin1), "The token header or claims are not UTF-8.");
    assertRefused(
        issuer.token("alice").signPayload(overlong), "The token header or claims are not UTF-8.");
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  /**
   * RFC 8725 §3.7: claims are compared as the code points they are, never normalized: an audience
   * that only looks like ours (fullwidth letters, NFKC-equal to "bazaar"; a decomposed accent) is
   * not ours.
   */
  @Test
  void lookalikeClaimsAreNotNormalizedIntoOurs() {
    assertRefused(
        issuer.token("a").claim("aud", "\uff42\uff41\uff5a\uff41\uff41\uff52").sign(),
        "The token is not meant for audience bazaar.");
    assertRefused(
        issuer.token("a").claim("iss", TestIssuer.ISSUER.replace("users", "use\u0301rs")).sign(),
        "The token was not issued by " + TestIssuer.ISSUER + ".");
  }

  /**
   * RFC 8725 §3.4: a verification key is validated before it is trusted. A JWKS key below 2048
   * bits, with a degenerate exponent, or described for another algorithm or use never verifies a
   * token, even one it really signed.
   */
  @Test
  void weakOrMismatchedJwksKeysVerifyNothing() throws Exception {
    issuer.publish("weak", 1024);
    issuer.describe("rs512", new io.vertx.core.json.JsonObject().put("alg", "RS512"));
    issuer.describe("enc", new io.vertx.core.json.JsonObject().put("use", "enc"));
    issuer.describe("ec", new io.vertx.core.json.JsonObject().put("kty", "EC"));
    issuer.describe("e1", new io.vertx.core.json.JsonObject().put("e", "AQ"));

    JwksKeys.KeySet set = JwksKeys.parse(issuer.jwks());
    assertThat(set.byKid()).containsOnlyKeys("k1");
    for (String kid : new String[] {"weak", "rs512", "enc", "ec", "e1"}) {
      assertRefused(
          issuer.token("mallory", "admin").kid(kid).sign(),
          "The token is signed by an unknown key.");
    }
    assertThatThrownBy(() -> JwksKeys.rsaKey("AQAB", "AQAB")).hasMessageContaining("at least 2048");
  }

  /**
   * RFC 8725 §3.6: compression is for JWE only and Bazaar issues no JWE: a JWS that says its
   * payload is compressed, and a token in the five-part JWE form, are both refused.
   */
  @Test
  void compressedOrEncryptedTokensAreRefused() {
    assertRefused(
        issuer.token("alice").header("zip", "DEF").sign(),
        "The token is compressed (zip), which no access token is.");
    String jweHeader =
        java.util.Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"zip\":\"DEF\"}"
                    .getBytes(StandardCharsets.UTF_8));
    assertRefused(jweHeader + ".a2V5.aXY.Y2lwaGVy.dGFn", "The token is not a signed JWT.");
  }
}
