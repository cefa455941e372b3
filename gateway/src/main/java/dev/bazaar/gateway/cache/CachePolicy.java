package dev.bazaar.gateway.cache;

/** Per-route caching: {@code bazaar.gateway.routes.<route>.cache}. */
public enum CachePolicy {
  /** Every request goes to the upstream (the default). */
  NONE,
  /** Anonymous 200 GET responses are cached in the gateway for everyone. */
  PUBLIC
}
