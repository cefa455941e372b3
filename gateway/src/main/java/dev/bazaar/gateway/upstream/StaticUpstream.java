package dev.bazaar.gateway.upstream;

import java.util.Objects;

/** An upstream with exactly one endpoint, taken from configuration. */
public record StaticUpstream(String name, UpstreamEndpoint endpoint) implements Upstream {

  public StaticUpstream {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(endpoint, "endpoint");
  }

  @Override
  public UpstreamEndpoint resolve() {
    return endpoint;
  }
}
