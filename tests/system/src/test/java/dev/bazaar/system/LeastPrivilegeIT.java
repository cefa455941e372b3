package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Least privilege behind the gateway, attacked through a running {@code bazaar up} (embedded
 * infrastructure by default, PostgreSQL and RabbitMQ with {@code -Preal-infra}): secrets in child
 * environments, secret file modes, the services' ports from another address, {@code psql} without a
 * password, and a service's broker login used to eavesdrop, forge, or delete or re-declare the
 * shared exchanges.
 */
class LeastPrivilegeIT {
  /** A secret only the launcher's own environment holds; no child may inherit it. */
  static final String SENTINEL = "sentinel-" + java.util.UUID.randomUUID();

  static BazaarSystem system;

  @BeforeAll
  static void up() throws Exception {
    system =
        BazaarSystem.onConfiguredInfra(
            "least-privilege", Map.of("AWS_SECRET_ACCESS_KEY", SENTINEL));
    system.up();
  }

  @AfterAll
  static void down() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  static String environ(long pid) throws Exception {
    return new String(
        Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
  }

  @Test
  void noChildHoldsTheLaunchersSecrets() throws Exception {
    String admin = system.adminPassword();
    List<String> checked = new ArrayList<>();
    for (String service :
        List.of("users", "catalog", "orders", "notifications", "payments", "gateway")) {
      String env = environ(system.pidOf(service));
      assertThat(env).as(service).doesNotContain(SENTINEL).doesNotContain("BAZAAR_PG_URL=");
      if (service.equals("users")) {
        assertThat(env)
            .as("users gets the admin password")
            .contains("BAZAAR_ADMIN_PASSWORD=" + admin);
      } else {
        assertThat(env).as(service).doesNotContain(admin).doesNotContain("BAZAAR_ADMIN_PASSWORD");
      }
      checked.add(service);
    }
    if (!system.real) {
      for (String infra : List.of("broker", "postgres")) {
        String env = environ(system.pidOf(infra));
        assertThat(env).as(infra).doesNotContain(SENTINEL).doesNotContain(admin);
        checked.add(infra);
      }
    }
    assertThat(checked).isNotEmpty();
  }

  @Test
  void secretFilesAreTheOwnersOnly() throws Exception {
    for (String file :
        List.of("secrets.properties", "initial-admin-password", "users-key.aes", "control.json")) {
      assertThat(mode(system.dataDir.resolve(file))).as(file).isEqualTo("rw-------");
    }
    if (!system.real) {
      assertThat(mode(system.dataDir.resolve("broker"))).isEqualTo("rwx------");
      assertThat(mode(system.dataDir.resolve("postgres"))).isEqualTo("rwx------");
    }
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void psqlWithoutAPasswordIsRefused() throws Exception {
    if (system.real) {
      return; // the machine's PostgreSQL is not Bazaar's to configure
    }
    for (String host : List.of("127.0.0.1", system.dataDir.resolve("postgres").toString())) {
      Run r =
          run(
              "psql",
              "-w",
              "-h",
              host,
              "-p",
              Integer.toString(BazaarSystem.PG_PORT),
              "-U",
              "postgres",
              "-d",
              "postgres",
              "-c",
              "SELECT 1");
      assertThat(r.exit()).as("psql -h " + host + ": " + r.out()).isNotZero();
      assertThat(r.out()).contains("password");
    }
  }

  /**
   * From another network namespace, over a veth pair with addresses of its own: the gateway answers
   * (the path works), no service does.
   */
  @Test
  void servicesCannotBeReachedFromAnotherAddress() throws Exception {
    String ns = "bzsec" + ProcessHandle.current().pid() % 100000;
    String host = "vbz" + ProcessHandle.current().pid() % 100000 + "h";
    String peer = "vbz" + ProcessHandle.current().pid() % 100000 + "n";
    int net = (int) (ProcessHandle.current().pid() % 200) + 20;
    String hostIp = "10.213." + net + ".1";
    String nsIp = "10.213." + net + ".2";
    try {
      sh("ip", "netns", "add", ns);
      sh("ip", "link", "add", host, "type", "veth", "peer", "name", peer);
      sh("ip", "link", "set", peer, "netns", ns);
      sh("ip", "addr", "add", hostIp + "/30", "dev", host);
      sh("ip", "link", "set", host, "up");
      sh("ip", "netns", "exec", ns, "ip", "addr", "add", nsIp + "/30", "dev", peer);
      sh("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up");
      sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");

      Run gateway =
          curlFrom(ns, "http://" + hostIp + ":" + BazaarSystem.BASE_PORT + "/q/health/live");
      assertThat(gateway.exit()).as("the gateway faces clients: " + gateway.out()).isZero();
      for (int offset = 1; offset <= 5; offset++) {
        int port = BazaarSystem.BASE_PORT + offset;
        Run r = curlFrom(ns, "http://" + hostIp + ":" + port + "/q/metrics");
        assertThat(r.exit())
            .as("service port " + port + " from " + nsIp + ": " + r.out())
            .isNotZero();
      }
    } finally {
      run("ip", "link", "del", host);
      run("ip", "netns", "del", ns);
    }
  }

  static Run curlFrom(String ns, String url) throws Exception {
    return run("ip", "netns", "exec", ns, "curl", "-s", "-o", "/dev/null", "-f", "-m", "5", url);
  }

  /**
   * catalog's own broker login: it cannot route the events to its queue, publish a payment's reply,
   * or sign one as payments.
   */
  @Test
  void aServiceLoginCannotEavesdropOrForge() throws Exception {
    try (Connection c = connect("catalog")) {
      Channel ch = c.createChannel();
      try {
        ch.queueBind("catalog.commands", "bazaar.events", "#");
      } catch (Exception refused) {
        // RabbitMQ refuses; the embedded broker's binding guard removes it
      }
    } catch (Exception closed) {
      // the broker closed the connection over the refused bind
    }
    // Anything published now with a key nobody binds comes back unroutable, unless the bind held.
    try (Connection c = connect("orders");
        Channel ch = c.createChannel()) {
      AtomicBoolean returned = new AtomicBoolean();
      ch.addReturnListener(r -> returned.set(true));
      ch.confirmSelect();
      ch.basicPublish(
          "bazaar.events",
          "orders.SecurityProbe",
          true,
          new AMQP.BasicProperties.Builder().userId("orders").build(),
          "probe".getBytes(StandardCharsets.UTF_8));
      // RabbitMQ returns it and confirms; Qpid returns it and nacks: either says unroutable.
      ch.waitForConfirms(10_000);
      Thread.sleep(500);
      assertThat(returned).as("the probe reached no queue: nobody listens to every event").isTrue();
    }
    forgeryRefused("catalog", "payments.PaymentAuthorized", "catalog");
    forgeryRefused("catalog", "catalog.StockReserved", "payments");
  }

  /**
   * The shared exchanges are the setup step's (the launcher declares them as the broker's
   * administrator): no service's login can delete {@code bazaar.events}, which would take every
   * binding with it, re-declare it with other arguments, or declare an exchange of its own. The
   * events still flow afterwards: a new customer's welcome notification arrives.
   */
  @Test
  void aServiceLoginCannotDeleteOrRedeclareTheExchanges() throws Exception {
    for (String user : List.of("users", "catalog", "orders", "payments", "notifications")) {
      for (String exchange : List.of("bazaar.events", "bazaar.commands")) {
        refused(user, "delete " + exchange, ch -> ch.exchangeDelete(exchange));
        refused(
            user,
            "re-declare " + exchange + " as fanout",
            ch -> ch.exchangeDeclare(exchange, "fanout", true));
      }
      refused(user, "declare an exchange", ch -> ch.exchangeDeclare(user + ".own", "topic", true));
    }
    try (Connection c = connect("orders");
        Channel ch = c.createChannel()) {
      ch.exchangeDeclarePassive("bazaar.events");
      ch.exchangeDeclarePassive("bazaar.commands");
    }
    Api api = new Api(system.gateway());
    Api.Customer customer = api.newCustomer("Still routed");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .pollInterval(java.time.Duration.ofMillis(250))
        .until(
            () ->
                api.get("/api/v1/notifications", customer.token()).json().get("items").size() > 0);
  }

  interface ChannelAction {
    void run(Channel ch) throws Exception;
  }

  /** Refused: RabbitMQ closes the channel (ACCESS_REFUSED), Qpid the connection. */
  static void refused(String user, String what, ChannelAction action) throws Exception {
    Connection c = connect(user);
    try {
      Channel ch = c.createChannel();
      assertThatThrownBy(() -> action.run(ch))
          .as(user + " may not " + what)
          .isInstanceOf(Exception.class);
    } finally {
      c.abort();
    }
  }

  static void forgeryRefused(String user, String routingKey, String userId) throws Exception {
    Connection c = connect(user);
    try {
      Channel ch = c.createChannel();
      assertThatThrownBy(
              () -> {
                ch.confirmSelect();
                ch.basicPublish(
                    "bazaar.events",
                    routingKey,
                    new AMQP.BasicProperties.Builder().userId(userId).build(),
                    "{}".getBytes(StandardCharsets.UTF_8));
                ch.waitForConfirmsOrDie(10_000);
              })
          .as(user + " publishing " + routingKey + " as " + userId)
          .isInstanceOf(Exception.class);
    } finally {
      c.abort();
    }
  }

  static Connection connect(String user) throws Exception {
    String base =
        system.real
            ? BazaarSystem.env("BAZAAR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")
            : "amqp://127.0.0.1:" + BazaarSystem.BROKER_PORT;
    java.net.URI u = java.net.URI.create(base);
    ConnectionFactory f = new ConnectionFactory();
    f.setHost(u.getHost());
    f.setPort(u.getPort());
    f.setUsername(user);
    f.setPassword(BazaarSystem.secret(system.dataDir, "amqp." + user + ".password"));
    if (system.real) {
      f.setVirtualHost(system.vhostName());
    }
    return f.newConnection("least-privilege-it");
  }

  record Run(int exit, String out) {}

  static Run run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  static void sh(String... command) throws Exception {
    Run r = run(command);
    assertThat(r.exit()).as(String.join(" ", command) + ": " + r.out()).isZero();
  }
}
