package dev.bazaar.chassis.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.time.Duration;

/**
 * Verifies each bearer token once, then remembers it: the RS256 signature check and the claim
 * checks run on the first request with a token, and later requests with the same token (a client
 * placing an order, then waiting for it) reuse the verified principal. An entry lives at most
 * {@link #LONGEST} and never past the token's {@code exp}, so a retired signing key stops being
 * honoured here within a minute. Only successes are cached; a bad token is checked every time.
 */
@ApplicationScoped
@Alternative
@Priority(1)
public class VerifiedTokenCache extends JWTCallerPrincipalFactory {

  static final Duration LONGEST = Duration.ofSeconds(60);

  private final JWTCallerPrincipalFactory verifier;

  public VerifiedTokenCache() {
    this(new DefaultJWTCallerPrincipalFactory());
  }

  VerifiedTokenCache(JWTCallerPrincipalFactory verifier) {
    this.verifier = verifier;
  }

  private final Cache<String, JWTCallerPrincipal> verified =
      Caffeine.newBuilder()
          .maximumSize(10_000)
          .executor(Runnable::run)
          .expireAfter(
              new Expiry<String, JWTCallerPrincipal>() {
                @Override
                public long expireAfterCreate(String token, JWTCallerPrincipal p, long now) {
                  long untilExpiry =
                      Duration.ofSeconds(p.getExpirationTime() - System.currentTimeMillis() / 1000)
                          .toNanos();
                  return Math.max(0, Math.min(untilExpiry, LONGEST.toNanos()));
                }

                @Override
                public long expireAfterUpdate(
                    String token, JWTCallerPrincipal p, long now, long current) {
                  return current;
                }

                @Override
                public long expireAfterRead(
                    String token, JWTCallerPrincipal p, long now, long current) {
                  return current;
                }
              })
          .build();

  @Override
  public JWTCallerPrincipal parse(String token, JWTAuthContextInfo authContextInfo)
      throws ParseException {
    JWTCallerPrincipal known = verified.getIfPresent(token);
    if (known != null && known.getExpirationTime() > System.currentTimeMillis() / 1000) {
      return known;
    }
    JWTCallerPrincipal principal = verifier.parse(token, authContextInfo);
    verified.put(token, principal);
    return principal;
  }
}
