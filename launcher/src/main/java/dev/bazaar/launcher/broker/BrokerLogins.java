package dev.bazaar.launcher.broker;

import dev.bazaar.launcher.infra.Secrets;
import java.io.IOException;
import java.util.Map;

/**
 * The broker logins of one running system: each service connects as its own user ({@link
 * BrokerAccess}) with a password generated into {@code <data>/secrets.properties}. On the embedded
 * broker the users come from the configuration it writes at start; on an external RabbitMQ the
 * launcher creates them with {@link RabbitUsers} through the operator's {@code BAZAAR_AMQP_URL},
 * which no service gets.
 */
public final class BrokerLogins {
  private final String baseUrl;
  private final Map<String, String> passwords;

  private BrokerLogins(String baseUrl, Map<String, String> passwords) {
    this.baseUrl = baseUrl;
    this.passwords = Map.copyOf(passwords);
  }

  /** The embedded broker on 127.0.0.1:{@code port}; call before it starts (it reads the file). */
  public static BrokerLogins embedded(int port, Secrets secrets) {
    return new BrokerLogins("amqp://127.0.0.1:" + port + "/", BrokerAccess.passwords(secrets));
  }

  /** An external RabbitMQ: creates or updates the users through {@code adminUrl}. */
  public static BrokerLogins external(String adminUrl, Secrets secrets, String node)
      throws IOException, InterruptedException {
    Map<String, String> passwords = BrokerAccess.passwords(secrets);
    RabbitUsers.provision(adminUrl, passwords, node);
    return new BrokerLogins(adminUrl, passwords);
  }

  /** The AMQP URL {@code user} connects with. */
  public String urlFor(String user) {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no broker user " + user);
    }
    return AmqpUrls.withUser(baseUrl, user, password);
  }
}
