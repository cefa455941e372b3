package dev.bazaar.gateway.upstream;

/**
 * A named backend the gateway forwards to. Today it resolves to one static base URL; load balancing
 * over several instances (and ejecting failing ones) plugs in behind {@link #resolve()}.
 */
public interface Upstream {

  String name();

  /** The endpoint to use for the next request. */
  UpstreamEndpoint resolve();
}
