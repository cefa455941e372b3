package dev.bazaar.users.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
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

  /**
   * File holding the AES-256 key (32 bytes, base64) that encrypts the signing private keys in the
   * database; env {@code BAZAAR_USERS_KEY_ENCRYPTION_KEY_FILE}. {@code ./bazaar up} sets it to
   * {@code <data>/users-key.aes}; in a cluster it is a mounted Secret. Unset: keys are stored
   * unencrypted (a warning at start says so). A wrong or unreadable file stops the start.
   */
  Optional<Path> keyEncryptionKeyFile();

  /**
   * The key-encryption key file that is being replaced, while it is; env {@code
   * BAZAAR_USERS_PREVIOUS_KEY_ENCRYPTION_KEY_FILE}. At start users re-encrypts every signing key
   * stored under it with the current key ({@link #keyEncryptionKeyFile()}), all in the start's one
   * transaction; after that the previous file is no longer needed. {@code ./bazaar up} sets it when
   * {@code <data>/users-key.previous.aes} exists. Unset (the default): keys must open with the
   * current key.
   */
  Optional<Path> previousKeyEncryptionKeyFile();

  /** Signing-key rotation. */
  Keys keys();

  /** Per-account login back-off. */
  LoginBackoff loginBackoff();

  /** The bound on concurrent password hashing. */
  Hashing hashing();

  /** Signing-key rotation ({@code bazaar.users.keys.*}). */
  interface Keys {

    /**
     * How long a retired key stays published beyond the token lifetime: covers instances that have
     * not reloaded yet (see {@code reload-interval}) and clock skew.
     */
    @WithDefault("2m")
    Duration retirementMargin();

    /** How often each instance reloads the keys (and deletes the expired retired ones). */
    @WithDefault("30s")
    Duration reloadInterval();

    /**
     * How long a key is in the JWKS before it may sign: every verifier must have read it by then.
     * At least {@code reload-interval} (until every users instance publishes a key another one
     * created) plus {@code jwks-max-age} (until every verifier re-read the JWKS); the start fails
     * otherwise. The default leaves 30 s for clock skew and slow fetches.
     */
    @WithDefault("2m")
    Duration prePublication();

    /**
     * The JWKS' {@code Cache-Control: max-age}: how long verifiers keep a copy. SmallRye JWT in the
     * services honours it; the gateway refreshes at that pace (clamped to its own bounds).
     */
    @WithDefault("60s")
    Duration jwksMaxAge();
  }

  /** Per-account login back-off ({@code bazaar.users.login-backoff.*}). */
  interface LoginBackoff {

    /** Failed logins of one account (by email) that cost nothing; each further one waits. */
    @WithDefault("5")
    int freeFailures();

    /** Wait after the first failure beyond the free ones; it doubles with each further one. */
    @WithDefault("1s")
    Duration initialDelay();

    /** Longest wait. */
    @WithDefault("15m")
    Duration maxDelay();

    /** Failures older than this are forgotten. */
    @WithDefault("24h")
    Duration memory();
  }

  /** The bound on concurrent password hashing ({@code bazaar.users.hashing.*}). */
  interface Hashing {

    /**
     * Password hashes (bcrypt) computed at once; more requests wait up to {@code max-wait}, then
     * get 503 with {@code Retry-After}. Default: one per CPU, so hashing cannot starve the rest.
     */
    Optional<Integer> maxConcurrent();

    /** How long a request may wait for a hashing slot. */
    @WithDefault("100ms")
    Duration maxWait();
  }
}
