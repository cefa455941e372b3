package dev.bazaar.launcher.broker;

import dev.bazaar.launcher.infra.Secrets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what on the broker: one user per service, named like the service, allowed exactly what
 * that service declares, publishes and consumes (docs/runtime-contract.md), plus the tools user
 * {@value #TOOLS} of {@code bazaar messages}. The same table becomes Qpid Broker-J ACL rules
 * ({@link #qpidAcl}) and RabbitMQ permissions ({@link RabbitUsers}).
 *
 * <p>A routing or binding key pattern that ends in {@code *} stands for every key with that prefix
 * ({@code catalog.*}: {@code catalog.StockReserved}, also the literal binding key {@code
 * catalog.*}); any other pattern is one exact key.
 */
public final class BrokerAccess {
  public static final String EVENTS = "bazaar.events";
  public static final String COMMANDS = "bazaar.commands";

  /**
   * The shared topic exchanges. A setup step declares them as the broker's administrator (the
   * embedded broker itself at start, {@link RabbitUsers} on RabbitMQ, the deploy Jobs); services
   * only look them up (a passive declare), so no service user may declare, change or delete them.
   */
  public static final List<String> EXCHANGES = List.of(EVENTS, COMMANDS);

  /** The user {@code bazaar messages} logs in as on the embedded broker. */
  public static final String TOOLS = "launcher";

  static final String PARKED = ".parked";

  /**
   * One broker user.
   *
   * @param queue the queue it consumes from (and re-publishes failed messages to, and parks them
   *     next to), or null
   * @param binds exchange to the keys it may bind {@code queue} with
   * @param publishes exchange to the routing keys it may publish with
   */
  public record User(
      String name,
      String queue,
      Map<String, List<String>> binds,
      Map<String, List<String>> publishes) {

    public User {
      binds = Map.copyOf(binds);
      publishes = Map.copyOf(publishes);
    }

    /** The queues it declares: its queue and that queue's parking queue. */
    public List<String> ownQueues() {
      return queue == null ? List.of() : List.of(queue, queue + PARKED);
    }
  }

  /** The services' users, from the topology in docs/runtime-contract.md. */
  public static final List<User> SERVICES =
      List.of(
          new User("users", null, Map.of(), Map.of(EVENTS, List.of("users.*"))),
          new User(
              "catalog",
              "catalog.commands",
              Map.of(COMMANDS, List.of("catalog.*")),
              Map.of(EVENTS, List.of("catalog.*"))),
          new User(
              "orders",
              "orders.replies",
              Map.of(
                  EVENTS,
                  List.of(
                      "catalog.StockReserved",
                      "catalog.StockRejected",
                      "catalog.StockReleased",
                      "catalog.StockCommitted",
                      "payments.PaymentAuthorized",
                      "payments.PaymentDeclined",
                      "payments.PaymentRefunded")),
              Map.of(EVENTS, List.of("orders.*"), COMMANDS, List.of("catalog.*", "payments.*"))),
          new User(
              "payments",
              "payments.commands",
              Map.of(COMMANDS, List.of("payments.*")),
              Map.of(EVENTS, List.of("payments.*"))),
          new User(
              "notifications",
              "notifications.events",
              Map.of(
                  EVENTS,
                  List.of(
                      "users.UserRegistered",
                      "orders.OrderPlaced",
                      "orders.OrderConfirmed",
                      "orders.OrderCancelled")),
              Map.of()));

  private BrokerAccess() {}

  /** Every user: the services and the tools user. */
  public static List<String> userNames() {
    List<String> names = new ArrayList<>(SERVICES.stream().map(User::name).toList());
    names.add(TOOLS);
    return names;
  }

  /**
   * Every user's password, generated into {@code <data>/secrets.properties} (mode 600) on first use
   * under {@code amqp.<user>.password}.
   */
  public static Map<String, String> passwords(Secrets secrets) {
    Map<String, String> passwords = new LinkedHashMap<>();
    for (String name : userNames()) {
      passwords.put(name, secrets.password(SECRET_PREFIX + name));
    }
    return passwords;
  }

  static final String SECRET_PREFIX = "amqp.";

  /** The secrets-file name of the tools user's password. */
  public static final String SECRET_PREFIX_TOOLS = SECRET_PREFIX + TOOLS;

  /** The consumer queues whose parking queues the tools user reads and replays from. */
  static List<String> consumerQueues() {
    return SERVICES.stream().map(User::queue).filter(q -> q != null).toList();
  }

  /**
   * The Qpid Broker-J ACL file: first match wins, and everything not allowed is denied and logged.
   * {@code PUBLISH EXCHANGE name=""} is the default exchange: a service may use it only to
   * re-publish to its own queues (retries and parking).
   */
  public static String qpidAcl() {
    StringBuilder acl = new StringBuilder();
    acl.append("# Written by the launcher at every broker start; see BrokerAccess.\n");
    for (User u : SERVICES) {
      acl.append("# ").append(u.name()).append('\n');
      rule(acl, u.name(), "ACCESS VIRTUALHOST");
      // No CREATE or DELETE EXCHANGE: the broker declares the shared exchanges itself.
      for (String q : u.ownQueues()) {
        // durable only: the binding guard sees changes of durable bindings as they happen
        rule(acl, u.name(), "CREATE QUEUE name=" + quote(q) + " durable=\"true\"");
        rule(acl, u.name(), "CONSUME QUEUE name=" + quote(q));
        rule(acl, u.name(), "PUBLISH EXCHANGE name=\"\" routingkey=" + quote(q));
      }
      u.binds()
          .forEach(
              (exchange, keys) ->
                  keys.forEach(
                      key ->
                          rule(
                              acl,
                              u.name(),
                              "BIND EXCHANGE name="
                                  + quote(exchange)
                                  + " routingkey="
                                  + quote(key)
                                  + " queuename="
                                  + quote(u.queue()))));
      u.publishes()
          .forEach(
              (exchange, keys) ->
                  keys.forEach(
                      key ->
                          rule(
                              acl,
                              u.name(),
                              "PUBLISH EXCHANGE name="
                                  + quote(exchange)
                                  + " routingkey="
                                  + quote(key))));
    }
    acl.append("# ").append(TOOLS).append(": bazaar messages parked / replay\n");
    rule(acl, TOOLS, "ACCESS VIRTUALHOST");
    for (String q : consumerQueues()) {
      rule(acl, TOOLS, "CONSUME QUEUE name=" + quote(q + PARKED));
      rule(acl, TOOLS, "PUBLISH EXCHANGE name=\"\" routingkey=" + quote(q));
    }
    acl.append("ACL DENY-LOG ALL ALL\n");
    return acl.toString();
  }

  private static void rule(StringBuilder acl, String user, String rest) {
    acl.append("ACL ALLOW ").append(user).append(' ').append(rest).append('\n');
  }

  private static String quote(String value) {
    if (value.contains("\"")) {
      throw new IllegalArgumentException("a broker name must not contain a quote: " + value);
    }
    return "\"" + value + "\"";
  }

  /** RabbitMQ's three permission regexes of one user on the virtual host. */
  public record Permissions(String configure, String write, String read) {}

  /**
   * What {@code user} may configure, write and read, as RabbitMQ regular expressions. Configure
   * covers only its own queues: declaring, re-declaring with other arguments or deleting an
   * exchange all need configure on it, and the setup step declared the exchanges already.
   */
  public static Permissions rabbitPermissions(User user) {
    Set<String> configure = new LinkedHashSet<>(user.ownQueues());
    Set<String> write = new LinkedHashSet<>(user.publishes().keySet());
    // queue.bind needs write on the queue, read on the exchange; re-publishing to its own queue
    // goes through the default exchange.
    write.addAll(user.ownQueues());
    if (user.queue() != null) {
      write.add("amq.default");
    }
    Set<String> read = new LinkedHashSet<>(user.binds().keySet());
    read.addAll(user.ownQueues());
    return new Permissions(anyOf(configure), anyOf(write), anyOf(read));
  }

  /** The tools user: reads parking queues, re-publishes through the default exchange. */
  public static Permissions rabbitToolsPermissions() {
    return new Permissions(
        "^$",
        anyOf(Set.of("amq.default")),
        anyOf(new LinkedHashSet<>(consumerQueues().stream().map(q -> q + PARKED).toList())));
  }

  /**
   * RabbitMQ topic permissions of {@code user} per topic exchange: routing keys it may publish
   * (write) and bind (read) with. Set for both exchanges, since a user without topic permissions on
   * an exchange may use any key there.
   */
  public static Map<String, Permissions> rabbitTopicPermissions(User user) {
    Map<String, Permissions> topics = new LinkedHashMap<>();
    for (String exchange : EXCHANGES) {
      topics.put(
          exchange,
          new Permissions(
              "",
              keys(user.publishes().getOrDefault(exchange, List.of())),
              keys(user.binds().getOrDefault(exchange, List.of()))));
    }
    return topics;
  }

  static String anyOf(Set<String> names) {
    if (names.isEmpty()) {
      return "^$";
    }
    return "^(" + String.join("|", names.stream().map(BrokerAccess::literal).toList()) + ")$";
  }

  /** A name as a regular expression that matches only itself (names are letters, digits, . _ -). */
  static String literal(String name) {
    if (!name.matches("[A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("unexpected character in broker name " + name);
    }
    return name.replace(".", "\\.");
  }

  /**
   * Whether a pattern of the table covers {@code key}: {@code catalog.*} every key that starts with
   * {@code catalog.} (and the literal {@code catalog.*}), any other pattern only itself. The same
   * meaning as the regular expressions of {@link #keys}.
   */
  static boolean covers(String pattern, String key) {
    return pattern.endsWith("*")
        ? key.startsWith(pattern.substring(0, pattern.length() - 1))
        : pattern.equals(key);
  }

  static String keys(List<String> patterns) {
    if (patterns.isEmpty()) {
      return "^$";
    }
    List<String> parts = new ArrayList<>();
    for (String p : patterns) {
      parts.add(p.endsWith("*") ? literal(p.substring(0, p.length() - 1)) + ".*" : literal(p));
    }
    return "^(" + String.join("|", parts) + ")$";
  }
}
