package dev.bazaar.users.tokens;

import dev.bazaar.users.config.UsersConfig;
import dev.bazaar.users.domain.User;
import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashSet;

/**
 * Issues RS256 access tokens: {@code typ: JWT}, issuer, audience, subject (user id), groups
 * (roles), expiry; signed by the current key of {@link SigningKeys}.
 */
@ApplicationScoped
public class TokenIssuer {

  @Inject UsersConfig config;
  @Inject SigningKeys keys;

  /** A signed token and its lifetime in seconds. */
  public record Token(String value, long expiresIn) {}

  public Token issue(User user) {
    Instant now = Instant.now();
    SigningKeys.Signer signer = keys.signer();
    long ttl = config.tokenTtl().toSeconds();
    String jwt =
        Jwt.issuer(config.issuer())
            .audience(config.audience())
            .subject(user.id().toString())
            .upn(user.email())
            .claim("email", user.email())
            .claim("name", user.name())
            .groups(new HashSet<>(user.roles()))
            .issuedAt(now)
            .expiresAt(now.plusSeconds(ttl))
            .jws()
            // Explicit typing (RFC 8725 section 3.11): verifiers accept only access-token types.
            .header("typ", "JWT")
            .keyId(signer.kid())
            .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
            .sign(signer.privateKey());
    return new Token(jwt, ttl);
  }
}
