package dev.bazaar.launcher.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.bazaar.launcher.infra.ChildEnvironment;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Creates the broker users of {@link BrokerAccess} on an external RabbitMQ: one {@code rabbitmqctl
 * import_definitions} with the definitions on standard input, so no password is on a command line
 * (and RabbitMQ only ever sees salted SHA-256 hashes, its {@code rabbit_password_hashing_sha256}
 * format). Users, permissions on the URL's virtual host and topic permissions on both exchanges are
 * created or replaced, and the shared exchanges declared (durable topic exchanges; no service may
 * declare them, see {@link BrokerAccess#EXCHANGES}); the import runs asynchronously, so each user's
 * login is then awaited.
 *
 * <p>{@code rabbitmqctl} must reach the node ({@code BAZAAR_RABBITMQ_NODE} names it when it is not
 * the local default one); the RabbitMQ management API is not needed.
 */
public final class RabbitUsers {
  public static final String NODE_ENV = "BAZAAR_RABBITMQ_NODE";
  private static final long LOGIN_WAIT_MILLIS = 30_000;

  private RabbitUsers() {}

  /**
   * @param adminUrl the operator's {@code BAZAAR_AMQP_URL}; its virtual host is the one used
   * @param passwords user name to password, for {@link BrokerAccess#userNames()}
   * @param node the node for {@code rabbitmqctl -n}, or null for its default
   */
  public static void provision(String adminUrl, Map<String, String> passwords, String node)
      throws IOException, InterruptedException {
    String vhost = AmqpUrls.virtualHost(adminUrl);
    byte[] definitions =
        new ObjectMapper().writeValueAsBytes(definitions(vhost, passwords, new SecureRandom()));
    List<String> command = new ArrayList<>(List.of("rabbitmqctl", "--quiet"));
    if (node != null && !node.isBlank()) {
      command.addAll(List.of("-n", node));
    }
    command.add("import_definitions");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    ChildEnvironment.apply(pb.environment(), "rabbitmqctl", Map.of());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot create the broker users: rabbitmqctl is not installed here ("
              + e.getMessage()
              + ")");
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(definitions);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("cannot create the broker users: rabbitmqctl did not finish in 60 s");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "cannot create the broker users: rabbitmqctl import_definitions failed ("
              + p.exitValue()
              + "): "
              + output);
    }
    awaitLogins(adminUrl, passwords);
    awaitExchanges(adminUrl);
  }

  /** Like the users, the exchanges of an import appear a moment after {@code rabbitmqctl} ends. */
  private static void awaitExchanges(String adminUrl) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + LOGIN_WAIT_MILLIS;
    ConnectionFactory f = new ConnectionFactory();
    try {
      f.setUri(adminUrl);
    } catch (Exception bad) {
      throw new IOException("invalid AMQP URL in $BAZAAR_AMQP_URL");
    }
    f.setConnectionTimeout(5000);
    for (String exchange : BrokerAccess.EXCHANGES) {
      while (true) {
        try (Connection c = f.newConnection("bazaar-launcher-check")) {
          c.createChannel().exchangeDeclarePassive(exchange);
          break;
        } catch (Exception notYet) {
          if (System.currentTimeMillis() > deadline) {
            throw new IOException(
                "exchange "
                    + exchange
                    + " does not exist after rabbitmqctl import_definitions: "
                    + notYet.getMessage());
          }
          Thread.sleep(200);
        }
      }
    }
  }

  static Map<String, Object> definitions(
      String vhost, Map<String, String> passwords, SecureRandom random) {
    List<Map<String, Object>> users = new ArrayList<>();
    List<Map<String, Object>> permissions = new ArrayList<>();
    List<Map<String, Object>> topics = new ArrayList<>();
    for (BrokerAccess.User u : BrokerAccess.SERVICES) {
      users.add(user(u.name(), passwords, random));
      permissions.add(permission(u.name(), vhost, BrokerAccess.rabbitPermissions(u)));
      BrokerAccess.rabbitTopicPermissions(u)
          .forEach(
              (exchange, p) -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("user", u.name());
                t.put("vhost", vhost);
                t.put("exchange", exchange);
                t.put("write", p.write());
                t.put("read", p.read());
                topics.add(t);
              });
    }
    users.add(user(BrokerAccess.TOOLS, passwords, random));
    permissions.add(permission(BrokerAccess.TOOLS, vhost, BrokerAccess.rabbitToolsPermissions()));
    Map<String, Object> defs = new LinkedHashMap<>();
    defs.put("users", users);
    defs.put("vhosts", List.of(Map.of("name", vhost)));
    defs.put("permissions", permissions);
    defs.put("topic_permissions", topics);
    List<Map<String, Object>> exchanges = new ArrayList<>();
    for (String name : BrokerAccess.EXCHANGES) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", name);
      e.put("vhost", vhost);
      e.put("type", "topic");
      e.put("durable", true);
      e.put("auto_delete", false);
      e.put("internal", false);
      e.put("arguments", Map.of());
      exchanges.add(e);
    }
    defs.put("exchanges", exchanges);
    return defs;
  }

  private static Map<String, Object> user(
      String name, Map<String, String> passwords, SecureRandom random) {
    String password = passwords.get(name);
    if (password == null) {
      throw new IllegalArgumentException("no password for broker user " + name);
    }
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("name", name);
    u.put("password_hash", hash(password, random));
    u.put("hashing_algorithm", "rabbit_password_hashing_sha256");
    u.put("tags", "");
    return u;
  }

  private static Map<String, Object> permission(
      String user, String vhost, BrokerAccess.Permissions p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user", user);
    m.put("vhost", vhost);
    m.put("configure", p.configure());
    m.put("write", p.write());
    m.put("read", p.read());
    return m;
  }

  /** RabbitMQ's SHA-256 format: base64(salt ++ sha256(salt ++ password)), a 4-byte salt. */
  static String hash(String password, SecureRandom random) {
    byte[] salt = new byte[4];
    random.nextBytes(salt);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      byte[] digest = sha.digest(password.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[salt.length + digest.length];
      System.arraycopy(salt, 0, out, 0, salt.length);
      System.arraycopy(digest, 0, out, salt.length, digest.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitLogins(String adminUrl, Map<String, String> passwords)
      throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + LOGIN_WAIT_MILLIS;
    for (Map.Entry<String, String> e : passwords.entrySet()) {
      while (true) {
        ConnectionFactory f = new ConnectionFactory();
        try {
          f.setUri(AmqpUrls.withUser(adminUrl, e.getKey(), e.getValue()));
        } catch (Exception bad) {
          throw new IOException("invalid AMQP URL for broker user " + e.getKey());
        }
        f.setConnectionTimeout(5000);
        try (Connection c = f.newConnection("bazaar-launcher-check")) {
          break;
        } catch (Exception notYet) {
          if (System.currentTimeMillis() > deadline) {
            throw new IOException(
                "broker user "
                    + e.getKey()
                    + " cannot log in after rabbitmqctl import_definitions: "
                    + notYet.getMessage());
          }
          Thread.sleep(200);
        }
      }
    }
  }
}
