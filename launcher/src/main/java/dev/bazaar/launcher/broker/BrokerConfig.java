package dev.bazaar.launcher.broker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Qpid Broker-J configuration, written afresh at every start so that users, passwords and ACL
 * rules are always the launcher's current ones: one AMQP 0-9-1 port on 127.0.0.1, a SCRAM-SHA-256
 * authentication provider (passwords are kept hashed; clients log in with PLAIN, which it also
 * verifies) holding one user per service and the tools user, the ACL file of {@link
 * BrokerAccess#qpidAcl()}, and a {@code JSON} virtual host node holding a persistent virtual host
 * ({@link #STORE}; Derby in data directories made before Bazaar switched). The node keeps its id
 * across rewrites, so its virtual host, queues and messages (under {@code <work>/default/}) are
 * found again.
 *
 * <p>{@code qpid.broker_msg_auth} makes the broker refuse a message whose AMQP {@code user-id} is
 * not the publishing connection's user, as RabbitMQ does: a consumer can trust {@code user-id}.
 */
public final class BrokerConfig {
  public static final String MODEL_VERSION = "8.0";

  /**
   * The message store of a new virtual host: Berkeley DB JE, whose commits are coalesced into one
   * log write and sync for all the transactions waiting on it (Derby syncs each one).
   */
  static final String STORE = "BDB";

  /**
   * The store of a new virtual host: {@link #STORE}, or {@code -Dbazaar.broker.store} (bench/broker
   * compares them).
   */
  static String store() {
    return System.getProperty("bazaar.broker.store", STORE);
  }

  static final String NODE = "default";

  private BrokerConfig() {}

  /**
   * @param passwords user name to password
   * @param acl the ACL file
   * @param nodeId the virtual host node's id from the previous configuration, or null
   */
  static final int SCRAM_ITERATIONS = 4096;

  /**
   * A password as Qpid's SCRAM-SHA-256 provider stores it ({@code
   * salt,,storedKey,serverKey,iterations}, RFC 5802 keys, base64), so that not even the broker's
   * own configuration holds it in clear.
   */
  static String scram(String password, SecureRandom random) {
    byte[] salt = new byte[32];
    random.nextBytes(salt);
    try {
      byte[] salted =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
              .generateSecret(new PBEKeySpec(password.toCharArray(), salt, SCRAM_ITERATIONS, 256))
              .getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key");
      Base64.Encoder b64 = Base64.getEncoder();
      return b64.encodeToString(salt)
          + ",,"
          + b64.encodeToString(storedKey)
          + ","
          + b64.encodeToString(serverKey)
          + ","
          + SCRAM_ITERATIONS;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SCRAM-SHA-256 is not available in this JDK", e);
    }
  }

  private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
  }

  public static Map<String, Object> of(Map<String, String> passwords, Path acl, String nodeId) {
    List<Map<String, Object>> users = new ArrayList<>();
    SecureRandom random = new SecureRandom();
    passwords.forEach(
        (name, password) ->
            users.add(
                Map.of("name", name, "type", "managed", "password", scram(password, random))));
    Map<String, Object> node = new LinkedHashMap<>();
    if (nodeId != null) {
      node.put("id", nodeId);
    }
    node.put("name", NODE);
    node.put("type", "JSON");
    node.put("defaultVirtualHostNode", "true");
    // Only a node without a virtual host yet takes this: data directories made before keep Derby.
    node.put("virtualHostInitialConfiguration", "{\"type\": \"" + store() + "\"}");
    return Map.of(
        "name",
        "bazaar",
        "modelVersion",
        MODEL_VERSION,
        "context",
        Map.of("qpid.broker_msg_auth", "true"),
        "authenticationproviders",
        List.of(
            Map.of(
                "name",
                "scram",
                "type",
                "SCRAM-SHA-256",
                // PLAIN over a non-TLS port is refused unless this list is emptied; the port only
                // listens on loopback.
                "secureOnlyMechanisms",
                List.of(),
                "users",
                users)),
        "accesscontrolproviders",
        List.of(Map.of("name", "bazaar-acl", "type", "AclFile", "path", acl.toString())),
        "ports",
        List.of(
            Map.of(
                "name", "AMQP",
                "port", "${qpid.amqp_port}",
                "bindingAddress", "127.0.0.1",
                "protocols", List.of("AMQP_0_9_1"),
                "authenticationProvider", "scram",
                "virtualhostaliases",
                    List.of(
                        Map.of("name", "nameAlias", "type", "nameAlias"),
                        Map.of("name", "defaultAlias", "type", "defaultAlias"),
                        Map.of("name", "hostnameAlias", "type", "hostnameAlias")))),
        "virtualhostnodes",
        List.of(node));
  }
}
