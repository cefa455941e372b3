package dev.bazaar.users.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

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

  /**
   * Password of the administrator account {@code admin@bazaar.local} (role {@code admin}); env
   * {@code BAZAAR_ADMIN_PASSWORD}. When set, the account is created at start if missing, and its
   * password is reset to this one if it differs. Unset (the default): no administrator is created
   * and an existing one is left as it is. There is deliberately no default value.
   */
  Optional<String> adminPassword();
}
