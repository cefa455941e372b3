package dev.bazaar.chassis.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {

  /** Counts verifications; a token "bad" fails, "old" expired a minute ago, others are valid. */
  static final class CountingVerifier extends JWTCallerPrincipalFactory {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo info) throws ParseException {
      calls.incrementAndGet();
      if (token.equals("bad")) {
        throw new ParseException("signature does not verify");
      }
      JwtClaims claims = new JwtClaims();
      claims.setSubject("customer");
      claims.setExpirationTimeMinutesInTheFuture(token.equals("old") ? -1 : 15);
      return new DefaultJWTCallerPrincipal(token, "JWT", claims);
    }
  }

  @Test
  void aTokenIsVerifiedOnceAndItsPrincipalReused() throws Exception {
    CountingVerifier verifier = new CountingVerifier();
    VerifiedTokenCache cache = new VerifiedTokenCache(verifier);
    JWTCallerPrincipal first = cache.parse("good", null);
    JWTCallerPrincipal second = cache.parse("good", null);
    assertThat(second).isSameAs(first);
    assertThat(verifier.calls.get()).isEqualTo(1);
    cache.parse("other", null);
    assertThat(verifier.calls.get()).isEqualTo(2);
  }

  @Test
  void aFailedOrExpiredTokenIsCheckedEveryTime() throws Exception {
    CountingVerifier verifier = new CountingVerifier();
    VerifiedTokenCache cache = new VerifiedTokenCache(verifier);
    assertThatThrownBy(() -> cache.parse("bad", null)).isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> cache.parse("bad", null)).isInstanceOf(ParseException.class);
    assertThat(verifier.calls.get()).isEqualTo(2);
    cache.parse("old", null);
    cache.parse("old", null);
    assertThat(verifier.calls.get()).isEqualTo(4);
  }
}
