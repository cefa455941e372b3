package dev.bazaar.launcher.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.launcher.TestPorts;
import dev.bazaar.launcher.infra.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a local process with one service's broker password can and cannot do, on the embedded Qpid
 * Broker-J (the launcher's configuration and ACL) or, with {@code -Preal-infra}, on RabbitMQ in a
 * fresh virtual host whose users {@link RabbitUsers} created. Each service can do what it does in
 * production; it cannot eavesdrop on another's messages, publish another's routing keys, forge the
 * AMQP {@code user-id}, or drop a message into another's queue.
 */
class BrokerAccessIT {
  @TempDir static Path data;
  static TestBroker embedded;
  static String vhost;
  static BrokerLogins logins;

  @BeforeAll
  static void start() throws Exception {
    if ("real".equals(System.getProperty("bazaar.test.infra"))) {
      String base =
          System.getenv().getOrDefault("BAZAAR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672");
      vhost = "bazaar-access-it-" + UUID.randomUUID().toString().substring(0, 8);
      rabbitmqctl("add_vhost", vhost);
      rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
      logins =
          BrokerLogins.external(
              base.replaceAll("/+$", "") + "/" + vhost,
              new Secrets(data, new SecureRandom()),
              null);
    } else {
      int port = TestPorts.free();
      embedded = TestBroker.start(port, Files.createDirectories(data.resolve("broker")));
      // Read after the broker made the passwords: a Secrets instance caches what it read.
      logins = BrokerLogins.embedded(port, new Secrets(data, new SecureRandom()));
    }
    // The topology as the services make it at start-up: the exchanges are there (the setup step
    // declared them), each service declares and binds its own queues.
    try (Connection c = connect("catalog");
        Channel ch = c.createChannel()) {
      ch.exchangeDeclarePassive(BrokerAccess.EVENTS);
      ch.exchangeDeclarePassive(BrokerAccess.COMMANDS);
      ch.queueDeclare("catalog.commands", true, false, false, null);
      ch.queueDeclare("catalog.commands.parked", true, false, false, null);
      ch.queueBind("catalog.commands", BrokerAccess.COMMANDS, "catalog.*");
    }
    try (Connection c = connect("orders");
        Channel ch = c.createChannel()) {
      ch.queueDeclare("orders.replies", true, false, false, null);
      ch.queueDeclare("orders.replies.parked", true, false, false, null);
      ch.queueBind("orders.replies", BrokerAccess.EVENTS, "payments.PaymentAuthorized");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (embedded != null) {
      embedded.close();
    }
    if (vhost != null) {
      rabbitmqctl("delete_vhost", vhost);
      for (String user : BrokerAccess.userNames()) {
        rabbitmqctl("delete_user", user);
      }
    }
  }

  @Test
  void aServiceDoesWhatItDoesInProduction() throws Exception {
    try (Connection c = connect("orders");
        Channel ch = c.createChannel()) {
      ch.confirmSelect();
      ch.basicPublish(
          BrokerAccess.COMMANDS, "catalog.ReserveStock", props("orders"), body("reserve"));
      ch.waitForConfirmsOrDie(10_000);
    }
    try (Connection c = connect("catalog");
        Channel ch = c.createChannel()) {
      GetResponse got = awaitMessage(ch, "catalog.commands");
      assertThat(new String(got.getBody(), StandardCharsets.UTF_8)).isEqualTo("reserve");
      assertThat(got.getProps().getUserId()).isEqualTo("orders");
      ch.confirmSelect();
      // a retry and a parked message go back through the default exchange to its own queues
      ch.basicPublish("", "catalog.commands.parked", props(null), body("parked"));
      ch.basicPublish(BrokerAccess.EVENTS, "catalog.StockReserved", props("catalog"), body("ok"));
      ch.waitForConfirmsOrDie(10_000);
      ch.basicAck(got.getEnvelope().getDeliveryTag(), false);
    }
    try (Connection c = connect(BrokerAccess.TOOLS);
        Channel ch = c.createChannel()) {
      GetResponse parked = awaitMessage(ch, "catalog.commands.parked");
      assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).isEqualTo("parked");
      ch.confirmSelect();
      ch.basicPublish("", "catalog.commands", props(null), parked.getBody());
      ch.waitForConfirmsOrDie(10_000);
      ch.basicAck(parked.getEnvelope().getDeliveryTag(), false);
    }
  }

  @Test
  void anotherServiceCannotBindAQueueToTheEvents() throws Exception {
    // catalog owns catalog.commands but may not listen to bazaar.events at all
    assertNotBound("catalog", "catalog.commands", BrokerAccess.EVENTS, "#");
    assertNotBound("catalog", "catalog.commands.parked", BrokerAccess.EVENTS, "orders.*");
    // orders may bind its replies, but not to every event
    assertNotBound("orders", "orders.replies", BrokerAccess.EVENTS, "#");
    // nor make a queue of its own to bind
    assertRefused("payments", ch -> ch.queueDeclare("spy", false, false, true, null));
  }

  /**
   * The shared exchanges belong to the setup step: a service finds them, but cannot delete them,
   * re-declare them with other arguments, or declare an exchange of its own (RabbitMQ: no configure
   * permission on exchanges; Qpid: no CREATE or DELETE EXCHANGE rule). Before, every service could
   * configure both exchanges, so on RabbitMQ any one of them could delete {@code bazaar.events} and
   * with it every binding of the system.
   */
  @Test
  void aServiceCannotDeleteOrRedeclareTheSharedExchanges() throws Exception {
    for (String user : List.of("users", "catalog", "orders", "payments", "notifications")) {
      try (Connection c = connect(user);
          Channel ch = c.createChannel()) {
        ch.exchangeDeclarePassive(BrokerAccess.EVENTS);
        ch.exchangeDeclarePassive(BrokerAccess.COMMANDS);
      }
      for (String exchange : BrokerAccess.EXCHANGES) {
        assertRefused(user, ch -> ch.exchangeDelete(exchange));
        assertRefused(user, ch -> ch.exchangeDeclare(exchange, "fanout", true));
      }
      assertRefused(user, ch -> ch.exchangeDeclare(user + ".own", "topic", true));
    }
    // Both are still there, bindings and all: what orders sends still reaches catalog's queue.
    try (Connection c = connect("orders");
        Channel ch = c.createChannel()) {
      ch.exchangeDeclarePassive(BrokerAccess.EVENTS);
      ch.exchangeDeclarePassive(BrokerAccess.COMMANDS);
      java.util.concurrent.atomic.AtomicBoolean returned =
          new java.util.concurrent.atomic.AtomicBoolean();
      ch.addReturnListener(r -> returned.set(true));
      ch.confirmSelect();
      ch.basicPublish(
          BrokerAccess.COMMANDS,
          "catalog.ReleaseStock",
          true,
          props("orders"),
          body("still-routed"));
      ch.waitForConfirmsOrDie(10_000);
      Thread.sleep(300);
      assertThat(returned).as("catalog.commands is still bound to bazaar.commands").isFalse();
    }
    // Taken off the queue again (with anything another test left there), for assertNotBound.
    try (Connection c = connect("catalog");
        Channel ch = c.createChannel()) {
      long deadline = System.currentTimeMillis() + 10_000;
      boolean mine = false;
      while (!mine && System.currentTimeMillis() < deadline) {
        GetResponse got = ch.basicGet("catalog.commands", true);
        if (got == null) {
          Thread.sleep(50);
        } else {
          mine = new String(got.getBody(), StandardCharsets.UTF_8).equals("still-routed");
        }
      }
      assertThat(mine).as("catalog got what orders sent").isTrue();
    }
  }

  @Test
  void aServiceCannotReadAnotherServicesQueue() throws Exception {
    assertRefused("notifications", ch -> ch.basicGet("orders.replies", false));
    assertRefused("payments", ch -> ch.basicGet("catalog.commands", false));
  }

  @Test
  void aServiceCannotPublishAnotherServicesRoutingKeys() throws Exception {
    assertPublishRefused(
        "catalog", BrokerAccess.EVENTS, "payments.PaymentAuthorized", props("catalog"));
    assertPublishRefused(
        "notifications", BrokerAccess.EVENTS, "orders.OrderConfirmed", props(null));
    assertPublishRefused("users", BrokerAccess.COMMANDS, "payments.RefundPayment", props(null));
  }

  @Test
  void theUserIdCannotBeForged() throws Exception {
    assertPublishRefused(
        "catalog", BrokerAccess.EVENTS, "catalog.StockReserved", props("payments"));
  }

  @Test
  void theDefaultExchangeDoesNotReachAnotherServicesQueueUnderItsName() throws Exception {
    // Qpid: the ACL allows the default exchange only towards the service's own queues. RabbitMQ
    // cannot restrict it by routing key, but the message then carries the real sender in user-id.
    if (embedded != null) {
      assertPublishRefused("catalog", "", "orders.replies", props(null));
    }
    assertPublishRefused("catalog", "", "orders.replies", props("payments"));
  }

  @Test
  void guestIsGoneFromTheEmbeddedBroker() throws Exception {
    if (embedded == null) {
      return;
    }
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(AmqpUrls.withUser(logins.urlFor("users"), "guest", "guest"));
    assertThatThrownBy(f::newConnection).isInstanceOf(Exception.class);
    f.setUri(AmqpUrls.withUser(logins.urlFor("users"), "users", "wrong"));
    assertThatThrownBy(f::newConnection).isInstanceOf(Exception.class);
  }

  interface ChannelAction {
    void run(Channel ch) throws Exception;
  }

  /**
   * Refused means an error from the broker: RabbitMQ closes the channel, Qpid the connection. On
   * Qpid a bind is removed by the binding guard instead, so that is checked too.
   */
  static void assertRefused(String user, ChannelAction action) throws Exception {
    Connection c = connect(user);
    try {
      Channel ch = c.createChannel();
      assertThatThrownBy(() -> action.run(ch))
          .as(user + " must be refused")
          .isInstanceOf(Exception.class);
    } finally {
      c.abort();
    }
  }

  /** A bind that the broker accepted or refused, but that left no binding behind. */
  static void assertNotBound(String user, String queue, String exchange, String key)
      throws Exception {
    Connection c = connect(user);
    try {
      c.createChannel().queueBind(queue, exchange, key);
    } catch (Exception refused) {
      // RabbitMQ: ACCESS_REFUSED
    } finally {
      c.abort();
    }
    // Whatever the broker said, nothing published with that key may reach the queue.
    try (Connection o = connect("orders");
        Channel ch = o.createChannel()) {
      ch.confirmSelect();
      ch.basicPublish(exchange, PROBE_KEY, props("orders"), body("probe"));
      ch.waitForConfirmsOrDie(10_000);
    }
    try (Connection r = connect(owner(queue));
        Channel ch = r.createChannel()) {
      Thread.sleep(300);
      GetResponse leaked = ch.basicGet(queue, true);
      assertThat(leaked == null ? null : new String(leaked.getBody(), StandardCharsets.UTF_8))
          .as(queue + " must not receive what is published to " + exchange + " with " + key)
          .isNull();
    }
  }

  /** orders may publish orders.* events: a probe every eavesdropping bind above would catch. */
  static final String PROBE_KEY = "orders.OrderConfirmed";

  static String owner(String queue) {
    return BrokerAccess.SERVICES.stream()
        .filter(u -> u.ownQueues().contains(queue))
        .findFirst()
        .orElseThrow()
        .name();
  }

  /** A refused publish closes the channel (RabbitMQ) or is never confirmed (Qpid). */
  static void assertPublishRefused(
      String user, String exchange, String routingKey, AMQP.BasicProperties props)
      throws Exception {
    Connection c = connect(user);
    try {
      Channel ch = c.createChannel();
      assertThatThrownBy(
              () -> {
                ch.confirmSelect();
                ch.basicPublish(exchange, routingKey, props, body("forged"));
                ch.waitForConfirmsOrDie(10_000);
              })
          .as(user + " publishing " + routingKey + " to '" + exchange + "' must be refused")
          .isInstanceOf(Exception.class);
    } finally {
      c.abort();
    }
  }

  static GetResponse awaitMessage(Channel ch, String queue) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      GetResponse r = ch.basicGet(queue, false);
      if (r != null) {
        return r;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no message on " + queue);
  }

  static Connection connect(String user) throws Exception {
    ConnectionFactory f = new ConnectionFactory();
    f.setUri(logins.urlFor(user));
    return f.newConnection("access-it-" + user);
  }

  static AMQP.BasicProperties props(String userId) {
    return new AMQP.BasicProperties.Builder().deliveryMode(2).userId(userId).build();
  }

  static byte[] body(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void rabbitmqctl(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "rabbitmqctl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
  }
}
