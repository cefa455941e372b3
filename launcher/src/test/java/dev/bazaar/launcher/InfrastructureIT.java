package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.bazaar.launcher.broker.BrokerLogins;
import dev.bazaar.launcher.infra.Databases;
import dev.bazaar.launcher.infra.EmbeddedPostgresServer;
import dev.bazaar.launcher.infra.PgUrls;
import dev.bazaar.launcher.infra.Secrets;
import dev.bazaar.launcher.state.Phase;
import dev.bazaar.launcher.supervise.Backoff;
import dev.bazaar.launcher.supervise.Supervisor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL and the embedded broker child, as {@code up} starts them. */
class InfrastructureIT {
  static final List<String> DATABASES =
      List.of(
          "bazaar_users",
          "bazaar_catalog",
          "bazaar_orders",
          "bazaar_notifications",
          "bazaar_payments");

  @TempDir Path data;

  /** Messages the broker confirmed just before it is killed. */
  static final int CONFIRMED = 2_000;

  static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void postgresKeepsServiceDatabasesAcrossRestarts() throws Exception {
    int port = TestPorts.free();
    Path pgData = data.resolve("postgres");
    Path log = data.resolve("logs/postgres.log");
    Secrets secrets = new Secrets(data, new SecureRandom());
    String superuser = secrets.password(Secrets.POSTGRES_SUPERUSER);

    long t0 = System.nanoTime();
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgData, port, log, superuser)) {
      System.out.printf("embedded PostgreSQL first start: %d ms%n", millisSince(t0));
      assertThat(pg.pid()).isPositive();
      Databases.ensure(pg.adminJdbcUrl(), DATABASES, secrets);
      Databases.ensure(pg.adminJdbcUrl(), DATABASES, secrets);
      try (var c =
              DriverManager.getConnection(
                  PgUrls.forDatabase(pg.adminJdbcUrl(), "bazaar_orders"),
                  "bazaar_orders",
                  secrets.password("bazaar_orders"));
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (id int PRIMARY KEY)");
        s.execute("INSERT INTO kept VALUES (42)");
      }
    }

    long t1 = System.nanoTime();
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgData, port, log, superuser)) {
      System.out.printf("embedded PostgreSQL later start: %d ms%n", millisSince(t1));
      Databases.ensure(pg.adminJdbcUrl(), DATABASES, secrets);
      try (var c =
              DriverManager.getConnection(
                  PgUrls.forDatabase(pg.adminJdbcUrl(), "bazaar_orders"),
                  "bazaar_orders",
                  secrets.password("bazaar_orders"));
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
      try (var c = DriverManager.getConnection(pg.adminJdbcUrl());
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_database d JOIN pg_roles r ON d.datdba = r.oid"
                      + " WHERE d.datname = r.rolname AND d.datname LIKE 'bazaar_%'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(DATABASES.size());
      }
    }
  }

  @Test
  void brokerKeepsAPersistentMessageAcrossAKill() throws Exception {
    int port = TestPorts.free();
    Supervisor supervisor =
        new Supervisor(
            Duration.ofSeconds(90),
            Backoff::standard,
            Clock.systemUTC(),
            () -> {},
            System.out::println,
            false);
    try {
      long t0 = System.nanoTime();
      Supervisor.Child broker =
          supervisor.launch(SystemRunner.brokerSpec(data, port, data.resolve("logs/broker.log")));
      supervisor.awaitReady(List.of(broker));
      System.out.printf("embedded broker first start: %d ms%n", millisSince(t0));

      // The broker lets each service do only what it does in Bazaar (BrokerAccess): catalog
      // publishes its events, orders binds its reply queue to them and consumes.
      BrokerLogins logins = BrokerLogins.embedded(port, new Secrets(data, new SecureRandom()));
      ConnectionFactory orders = new ConnectionFactory();
      orders.setUri(logins.urlFor("orders"));
      ConnectionFactory catalog = new ConnectionFactory();
      catalog.setUri(logins.urlFor("catalog"));
      try (Connection connection = orders.newConnection();
          Channel channel = connection.createChannel()) {
        channel.exchangeDeclarePassive("bazaar.events"); // the broker declared it
        channel.queueDeclare("orders.replies", true, false, false, null);
        channel.queueBind("orders.replies", "bazaar.events", "catalog.StockReserved");
      }
      try (Connection connection = catalog.newConnection();
          Channel channel = connection.createChannel()) {
        channel.confirmSelect();
        // Many in flight at once, as the outbox relay publishes: every confirmed one must be kept.
        for (int i = 1; i <= CONFIRMED; i++) {
          channel.basicPublish(
              "bazaar.events",
              "catalog.StockReserved",
              MessageProperties.PERSISTENT_TEXT_PLAIN,
              ("stock for order " + i + " reserved").getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(30_000);
      }

      long firstPid = broker.pid();
      long t1 = System.nanoTime();
      ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!(broker.restarts() == 1 && broker.phase() == Phase.READY)) {
        assertThat(System.nanoTime()).as("broker restarted in time").isLessThan(deadline);
        Thread.sleep(100);
      }
      System.out.printf("embedded broker restart after kill -9: %d ms%n", millisSince(t1));
      assertThat(broker.pid()).isNotEqualTo(firstPid);

      try (Connection connection = orders.newConnection();
          Channel channel = connection.createChannel()) {
        for (int i = 1; i <= CONFIRMED; i++) {
          GetResponse message = channel.basicGet("orders.replies", true);
          assertThat(message).as("confirmed message %d after kill -9", i).isNotNull();
          assertThat(new String(message.getBody(), StandardCharsets.UTF_8))
              .isEqualTo("stock for order " + i + " reserved");
          assertThat(message.getProps().getDeliveryMode()).isEqualTo(2);
        }
        assertThat(channel.basicGet("orders.replies", true)).isNull();
      }
    } finally {
      supervisor.stopAll(Duration.ofSeconds(20), line -> {});
    }
  }
}
