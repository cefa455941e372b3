package dev.bazaar.users.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the users service (documented in services/users/README.md). */
@ConfigMapping(prefix = "bazaar.users")
public interface UsersConfig {

  /** bcrypt cost factor; 10 takes tens of milliseconds per hash on a laptop core. */
  @WithDefault("10")
  int passwordCost();

  /** Lifetime of an access token. */
  @WithDefault("15m")
  Duration tokenTtl();

  /** {@code iss} of issued tokens; every service verifies it. */
  @WithDefault("https://bazaar.local/users")
  String issuer();

  /** {@code aud} of issued tokens; every service verifies it. */
  @WithDefault("bazaar")
  String audience();
}
