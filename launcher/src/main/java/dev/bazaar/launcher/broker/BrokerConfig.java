package dev.bazaar.launcher.broker;

import java.util.List;
import java.util.Map;

/**
 * The Qpid Broker-J initial configuration: one AMQP 0-9-1 port on 127.0.0.1 with Plain
 * authentication (guest/guest), and a {@code JSON} virtual host node holding a persistent {@code
 * DERBY} virtual host. Used only when the broker's config store does not exist yet; the port stays
 * the {@code ${qpid.amqp_port}} variable in the stored config so {@code --broker-port} keeps
 * working on later starts.
 */
public final class BrokerConfig {
  public static final String MODEL_VERSION = "8.0";

  private BrokerConfig() {}

  public static Map<String, Object> initial() {
    return Map.of(
        "name",
        "bazaar",
        "modelVersion",
        MODEL_VERSION,
        "authenticationproviders",
        List.of(
            Map.of(
                "name",
                "plain",
                "type",
                "Plain",
                // Plain over a non-TLS port is refused unless this list is emptied.
                "secureOnlyMechanisms",
                List.of(),
                "users",
                List.of(Map.of("name", "guest", "type", "managed", "password", "guest")))),
        "ports",
        List.of(
            Map.of(
                "name", "AMQP",
                "port", "${qpid.amqp_port}",
                "bindingAddress", "127.0.0.1",
                "protocols", List.of("AMQP_0_9_1"),
                "authenticationProvider", "plain",
                "virtualhostaliases",
                    List.of(
                        Map.of("name", "nameAlias", "type", "nameAlias"),
                        Map.of("name", "defaultAlias", "type", "defaultAlias"),
                        Map.of("name", "hostnameAlias", "type", "hostnameAlias")))),
        "virtualhostnodes",
        List.of(
            Map.of(
                "name", "default",
                "type", "JSON",
                "defaultVirtualHostNode", "true",
                "virtualHostInitialConfiguration", "{\"type\": \"DERBY\"}")));
  }
}
