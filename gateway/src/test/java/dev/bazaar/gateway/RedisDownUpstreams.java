package dev.bazaar.gateway;

import java.util.Map;

/** {@link SecuredUpstreams} with the rate limits in a Redis that does not answer. */
public class RedisDownUpstreams extends SecuredUpstreams {

  @Override
  public Map<String, String> start() {
    Map<String, String> config = super.start();
    config.put("bazaar.gateway.redis-url", "redis://127.0.0.1:" + closedPort());
    return config;
  }
}
