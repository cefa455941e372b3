package dev.bazaar.gateway;

import java.util.Map;

/** {@link SecuredUpstreams} with the issuer's JWKS on a port where nothing listens: users down. */
public class UsersDownUpstreams extends SecuredUpstreams {

  @Override
  public Map<String, String> start() {
    Map<String, String> config = super.start();
    config.put("bazaar.gateway.jwks-url", "http://127.0.0.1:" + closedPort() + "/api/v1/auth/jwks");
    return config;
  }
}
