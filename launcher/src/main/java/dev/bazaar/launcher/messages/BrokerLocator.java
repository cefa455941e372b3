package dev.bazaar.launcher.messages;

import dev.bazaar.launcher.broker.AmqpUrls;
import dev.bazaar.launcher.broker.BrokerAccess;
import dev.bazaar.launcher.infra.Secrets;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Which broker the running system uses: {@code --amqp-url}, else {@code BAZAAR_AMQP_URL} (an
 * external broker), else the embedded broker recorded in the running launcher's state file.
 */
public final class BrokerLocator {
  public static final String ENV = "BAZAAR_AMQP_URL";

  /** No broker to talk to; the message says what to do. */
  public static final class NoBroker extends Exception {
    NoBroker(String message) {
      super(message);
    }
  }

  private BrokerLocator() {}

  /**
   * @param running the state of the launcher of this data dir, when one is alive
   */
  public static String locate(String option, String env, Optional<LauncherState> running)
      throws NoBroker {
    if (option != null && !option.isBlank()) {
      return option;
    }
    if (env != null && !env.isBlank()) {
      return env;
    }
    if (running.isEmpty()) {
      throw new NoBroker(
          "Bazaar is not running, so there is no broker to read from; start it with ./bazaar up,"
              + " or point at a broker with --amqp-url or $"
              + ENV);
    }
    return running.get().instances().stream()
        .filter(i -> i.service().equals("broker"))
        .findFirst()
        .map(broker -> embeddedUrl(broker, Path.of(running.get().dataDir())))
        .orElseThrow(
            () ->
                new NoBroker(
                    "the running system uses an external broker; give its URL with --amqp-url or"
                        + " $"
                        + ENV));
  }

  /** The embedded broker, logged in as the tools user with its password from the data dir. */
  static String embeddedUrl(InstanceState broker, Path dataDir) {
    String password =
        new Secrets(dataDir, new SecureRandom()).password(BrokerAccess.SECRET_PREFIX_TOOLS);
    return AmqpUrls.withUser(
        "amqp://127.0.0.1:" + broker.port() + "/", BrokerAccess.TOOLS, password);
  }

  /** The URL without its password, for messages. */
  public static String redact(String url) {
    try {
      URI u = URI.create(url);
      if (u.getUserInfo() == null || !u.getUserInfo().contains(":")) {
        return url;
      }
      String user = u.getUserInfo().substring(0, u.getUserInfo().indexOf(':'));
      return new URI(
              u.getScheme(), user + ":***", u.getHost(), u.getPort(), u.getPath(), null, null)
          .toString();
    } catch (Exception e) {
      return "(an invalid AMQP URL)";
    }
  }
}
