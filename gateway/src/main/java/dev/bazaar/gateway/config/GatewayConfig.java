package dev.bazaar.gateway.config;

import dev.bazaar.gateway.cache.CachePolicy;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithDefaults;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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

  /** One route: a path prefix matched on segment boundaries and the upstream it forwards to. */
  interface RouteConfig {

    /** Path prefix, e.g. {@code /api/v1/users}; matches itself and everything below it. */
    String prefix();

    /** Name of the upstream in {@code bazaar.gateway.upstream}. */
    String upstream();

    /** Time allowed until the upstream's response headers; {@code default-timeout} if unset. */
    Optional<Duration> timeout();

    /** Response caching in the gateway: {@code none} or {@code public} (see {@code cache/}). */
    @WithDefault("none")
    CachePolicy cache();
  }

  /** Connection pool and socket settings of the upstream client. */
  interface ClientConfig {

    /** TCP connect timeout; a refused or timed out connect is answered with 503. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** How long an unused pooled connection is kept open. */
    @WithDefault("30s")
    Duration keepAliveTimeout();

    /** Maximum number of HTTP/1.1 connections per upstream endpoint. */
    @WithDefault("64")
    int maxConnectionsPerEndpoint();

    /** Requests waiting for a pooled connection beyond this are answered with 503. */
    @WithDefault("1024")
    int maxWaitQueueSize();
  }
}
