package dev.bazaar.gateway.ratelimit;

import dev.bazaar.gateway.config.GatewayConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The policies of {@code bazaar.gateway.rate-limits}, checked with messages that name the key. */
public final class RateLimitPolicies {

  /** The policy name that switches rate limiting off for a route. */
  public static final String NONE = "none";

  private final Map<String, RateLimitPolicy> byName;

  RateLimitPolicies(Map<String, RateLimitPolicy> byName) {
    this.byName = Map.copyOf(byName);
  }

  /**
   * @throws IllegalArgumentException naming the first invalid key
   */
  public static RateLimitPolicies from(Map<String, GatewayConfig.RateLimitConfig> config) {
    Map<String, RateLimitPolicy> policies = new TreeMap<>();
    config.forEach(
        (name, rc) -> {
          String key = "bazaar.gateway.rate-limits." + name;
          if (NONE.equals(name)) {
            throw new IllegalArgumentException(key + ": '" + NONE + "' is reserved");
          }
          RateLimitPolicy.KeyBy keyBy;
          try {
            keyBy = RateLimitPolicy.KeyBy.valueOf(rc.key().trim().toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                key + ".key must be client or ip, but was '" + rc.key() + "'");
          }
          try {
            policies.put(name, new RateLimitPolicy(name, rc.capacity(), rc.period(), keyBy));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
          }
        });
    return new RateLimitPolicies(policies);
  }

  /**
   * The policy called {@code name}; empty for {@code none}.
   *
   * @param key the configuration key that named it, for the error message
   * @throws IllegalArgumentException when no such policy is configured
   */
  public Optional<RateLimitPolicy> resolve(String name, String key) {
    String n = name.trim();
    if (NONE.equals(n)) {
      return Optional.empty();
    }
    RateLimitPolicy policy = byName.get(n);
    if (policy == null) {
      throw new IllegalArgumentException(
          key
              + " names rate-limit policy '"
              + name
              + "', but only "
              + new TreeMap<>(byName).keySet()
              + " (or none) are configured under bazaar.gateway.rate-limits");
    }
    return Optional.of(policy);
  }
}
