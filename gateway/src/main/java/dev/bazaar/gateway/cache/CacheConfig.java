package dev.bazaar.gateway.cache;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The gateway's response cache ({@code bazaar.gateway.cache.*}); routes opt in with {@code
 * cache=public}.
 */
@ConfigMapping(prefix = "bazaar.gateway.cache")
public interface CacheConfig {

  /**
   * How long a stored response is served without asking the upstream again; {@code 0s} (the
   * default) revalidates every request with {@code If-None-Match}. Routes may set their own ({@code
   * routes.<route>.cache-ttl}).
   */
  @WithDefault("0s")
  Duration ttl();

  /** Most responses kept; the least recently used go first. */
  @WithDefault("10000")
  long maxEntries();

  /** Responses with larger bodies are passed on but not stored. */
  @WithDefault("512K")
  MemorySize maxEntrySize();
}
