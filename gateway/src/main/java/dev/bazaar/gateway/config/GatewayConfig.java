package dev.bazaar.gateway.config;

import dev.bazaar.gateway.cache.CachePolicy;
import dev.bazaar.gateway.resilience.RetryPolicy;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithDefaults;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed gateway configuration under {@code bazaar.gateway}. Defaults for the route table and the
 * upstream URLs live in {@code application.properties} so that each entry can be overridden by an
 * environment variable such as {@code BAZAAR_GATEWAY_UPSTREAM_USERS}.
 */
@ConfigMapping(prefix = "bazaar.gateway")
public interface GatewayConfig {

  /** Base URL of each upstream by name ({@code bazaar.gateway.upstream.<name>}). */
  Map<String, URI> upstream();

  /**
   * Discovery, load balancing and resilience per upstream ({@code
   * bazaar.gateway.upstreams.<name>.*}); an upstream without entries gets the defaults.
   */
  @WithDefaults
  Map<String, UpstreamConfig> upstreams();

  /**
   * The launcher's registry file ({@code <data>/registry.json}); when set, upstreams without an
   * explicit discovery take their instances from it.
   */
  Optional<Path> registryFile();

  /** Routes by name ({@code bazaar.gateway.routes.<name>.*}). */
  Map<String, RouteConfig> routes();

  /** How long to wait for an upstream's response headers when a route sets no timeout. */
  @WithDefault("10s")
  Duration defaultTimeout();

  /** Largest request body forwarded; larger ones are answered with 413. */
  @WithDefault("1M")
  MemorySize maxBodySize();

  /**
   * A YAML file with more configuration (routes, upstreams, limits), given by {@code ./bazaar
   * gateway --routes FILE}; when set, the route table is exactly the routes the file defines.
   */
  Optional<String> routesFile();

  /** The shared HTTP client that talks to the upstreams. */
  ClientConfig client();

  /** Where users publishes its signing keys; {@code BAZAAR_JWKS_URL} in application.properties. */
  @WithDefault("http://127.0.0.1:8081/api/v1/auth/jwks")
  URI jwksUrl();

  /** How access tokens are checked. */
  JwtConfig jwt();

  /** Rate-limit policies by name ({@code bazaar.gateway.rate-limits.<name>.*}). */
  Map<String, RateLimitConfig> rateLimits();

  /** Policy for routes that name none; {@code none} switches limits off for them. */
  @WithDefault("default")
  String defaultRateLimit();

  /** Shared bucket store for several gateway instances ({@code REDIS_URL}); in memory if unset. */
  Optional<String> redisUrl();

  /** Redis settings used when {@code redis-url} is set. */
  RedisConfig redis();

  /** The per-request access log ({@code bazaar.access}). */
  AccessLogConfig accessLog();

  /** How the access log is written. */
  interface AccessLogConfig {

    /** Where access-log lines go. */
    enum Format {
      /**
       * One JSON object per line, built by the gateway and written to standard output with one
       * write per event-loop turn; the layout matches the JSON console log.
       */
      JSON,
      /** Through the {@code bazaar.access} logger and its handlers (plain text in dev and test). */
      LOGGER
    }

    /** {@code json} (production default) or {@code logger} (dev and test). */
    @WithDefault("json")
    Format format();
  }

  /** One route: a path prefix matched on segment boundaries and the upstream it forwards to. */
  interface RouteConfig {

    /** Path prefix, e.g. {@code /api/v1/users}; matches itself and everything below it. */
    String prefix();

    /** Name of the upstream in {@code bazaar.gateway.upstream}. */
    String upstream();

    /**
     * HTTP methods the route serves, e.g. {@code POST,PUT}; unset or empty: every method. Among the
     * routes whose methods match, the longest prefix wins, and a route with methods wins over one
     * without on the same prefix.
     */
    Optional<List<String>> methods();

    /**
     * Which failed attempts are retried on another instance: {@code idempotent} or {@code none}.
     */
    @WithDefault("idempotent")
    RetryPolicy retry();

    /** Time allowed until the upstream's response headers; {@code default-timeout} if unset. */
    Optional<Duration> timeout();

    /** Response caching in the gateway: {@code none} or {@code public} (see {@code cache/}). */
    @WithDefault("none")
    CachePolicy cache();

    /**
     * How long a stored response of this route is served without asking the upstream; unset: {@code
     * bazaar.gateway.cache.ttl}. {@code 0s}: every request is revalidated.
     */
    Optional<Duration> cacheTtl();

    /** {@code public}, {@code authenticated} or {@code role:<role>}. */
    @WithDefault("public")
    String auth();

    /**
     * Name of a policy in {@code rate-limits}, or {@code none}; {@code default-rate-limit} if
     * unset.
     */
    Optional<String> rateLimit();
  }

  /** Access-token checks: RS256 signed by a key from the JWKS. */
  interface JwtConfig {

    /** Required {@code iss} claim. */
    @WithDefault("https://bazaar.local/users")
    String issuer();

    /** Required {@code aud} claim (or one of its values). */
    @WithDefault("bazaar")
    String audience();

    /** Tolerance for {@code exp} and {@code nbf} against the gateway's clock. */
    @WithDefault("30s")
    Duration clockSkew();

    /** Verified tokens kept (until their expiry) so that a token's signature is checked once. */
    @WithDefault("10000")
    int cacheSize();

    /** Fewest time between two JWKS fetches triggered by an unknown {@code kid}. */
    @WithDefault("10s")
    Duration jwksRefreshMinInterval();

    /**
     * Longest time between two scheduled JWKS refreshes (a shorter {@code Cache-Control: max-age}
     * from users is honoured, down to {@code jwks-refresh-min-interval}): a key users retires stops
     * verifying at the gateway within this bound.
     */
    @WithDefault("5m")
    Duration jwksRefreshMaxInterval();

    /**
     * {@code typ} header values accepted for access tokens (RFC 8725 §3.11), compared without case
     * and without an {@code application/} prefix; a token without {@code typ} is refused.
     */
    @WithDefault("JWT,at+jwt")
    List<String> acceptedTypes();

    /** Time allowed for one JWKS fetch. */
    @WithDefault("5s")
    Duration jwksTimeout();
  }

  /** A token bucket: {@code capacity} requests, refilled evenly over {@code period}. */
  interface RateLimitConfig {

    /** Requests allowed in a burst, and per period. */
    long capacity();

    /** Time in which an empty bucket refills completely. */
    Duration period();

    /** {@code client} (the user when authenticated, else the IP address) or {@code ip}. */
    @WithDefault("client")
    String key();
  }

  /** The Redis bucket store. */
  interface RedisConfig {

    /** Prefix of every bucket key, so several deployments can share one Redis. */
    @WithDefault("bazaar:rl:")
    String keyPrefix();

    /** Time allowed for one bucket operation; past it the request is let through (fail open). */
    @WithDefault("250ms")
    Duration timeout();
  }

  /** Connection pool and socket settings of the upstream client. */
  interface ClientConfig {

    /** TCP connect timeout; a refused or timed out connect is answered with 503. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** How long an unused pooled connection is kept open. */
    @WithDefault("30s")
    Duration keepAliveTimeout();

    /** Maximum number of HTTP/1.1 connections per upstream endpoint and event loop. */
    @WithDefault("64")
    int maxConnectionsPerEndpoint();

    /**
     * Requests waiting for a pooled connection (per event loop) beyond this are answered with 503.
     */
    @WithDefault("1024")
    int maxWaitQueueSize();
  }
}
