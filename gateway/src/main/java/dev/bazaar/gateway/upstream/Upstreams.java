package dev.bazaar.gateway.upstream;

import dev.bazaar.gateway.config.GatewayConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/** The upstreams by name, built once from {@code bazaar.gateway.upstream.<name>}. */
@Singleton
public class Upstreams {

  private final Map<String, Upstream> byName;

  @Inject
  public Upstreams(GatewayConfig config) {
    this(config.upstream());
  }

  public Upstreams(Map<String, URI> baseUrls) {
    Map<String, Upstream> upstreams = new TreeMap<>();
    baseUrls.forEach(
        (name, url) -> {
          try {
            upstreams.put(name, new StaticUpstream(name, UpstreamEndpoint.of(url)));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "bazaar.gateway.upstream." + name + ": " + e.getMessage(), e);
          }
        });
    this.byName = Map.copyOf(upstreams);
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  public Set<String> names() {
    return new TreeMap<>(byName).keySet();
  }

  public Upstream get(String name) {
    Upstream upstream = byName.get(name);
    if (upstream == null) {
      throw new NoSuchElementException("no upstream named " + name);
    }
    return upstream;
  }
}
