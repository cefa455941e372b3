package dev.bazaar.launcher;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where everything of one running system is: what the {@link ServiceSpec.Env} builders turn into
 * environment variables.
 *
 * @param amqpUrl broker user (a service's name) to the AMQP URL it logs in with
 * @param jdbcUrl database name to the JDBC URL of that database
 * @param password role name to its password
 */
public record Wiring(
    Path dataDir,
    int basePort,
    UnaryOperator<String> amqpUrl,
    UnaryOperator<String> jdbcUrl,
    UnaryOperator<String> password) {

  public int port(String service) {
    return basePort + Services.byName(service).portOffset();
  }

  public String httpUrl(String service) {
    return "http://127.0.0.1:" + port(service);
  }

  public String jwksUrl() {
    return httpUrl("users") + "/api/v1/auth/jwks";
  }
}
