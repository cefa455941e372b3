package dev.bazaar.chassis.outbox;

import com.rabbitmq.client.Channel;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.AmqpConnector;
import dev.bazaar.chassis.messaging.Envelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The only publisher of a service: takes unsent outbox rows (locked with SKIP LOCKED, so several
 * instances can relay side by side), publishes them with publisher confirms and marks them sent. A
 * failed publish leaves the rows unsent with a growing back-off. A crash between publish and mark
 * re-publishes: delivery is at least once and consumers dedupe by message id.
 */
public final class OutboxRelay implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

  /** Relay settings. */
  public record Settings(
      int batchSize,
      Duration pollInterval,
      Duration confirmTimeout,
      Duration baseBackoff,
      Duration maxBackoff,
      Duration retention) {
    public static Settings defaults() {
      return new Settings(
          100,
          Duration.ofMillis(100),
          Duration.ofSeconds(5),
          Duration.ofMillis(500),
          Duration.ofSeconds(30),
          Duration.ofDays(7));
    }
  }

  private record Row(String exchange, String routingKey, Envelope envelope) {}

  private final DataSource dataSource;
  private final AmqpConnector amqp;
  private final Clock clock;
  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean wakeRequested;
  private volatile boolean running;
  private Thread thread;
  private Channel channel;
  private Instant nextCleanup = Instant.EPOCH;

  public OutboxRelay(DataSource dataSource, AmqpConnector amqp, Clock clock, Settings settings) {
    this.dataSource = dataSource;
    this.amqp = amqp;
    this.clock = clock;
    this.settings = settings;
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().daemon().name("outbox-relay").start(this::loop);
  }

  /** Asks the relay to look for rows now instead of at its next poll. */
  public void wake() {
    lock.lock();
    try {
      wakeRequested = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    while (running) {
      int published = 0;
      try {
        published = relayOnce();
        cleanupIfDue();
      } catch (RuntimeException e) {
        LOG.warn("outbox relay pass failed; will retry", e);
      }
      if (published < settings.batchSize()) {
        awaitWake();
      }
    }
  }

  private void awaitWake() {
    lock.lock();
    try {
      if (!wakeRequested) {
        wake.await(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
      }
      wakeRequested = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Publishes one batch of due rows.
   *
   * @return how many rows were published and marked sent
   */
  public int relayOnce() {
    if (!amqp.isOpen()) {
      return 0;
    }
    List<UUID> failed = new ArrayList<>();
    String[] error = new String[1];
    int sent =
        Tx.run(
            dataSource,
            c -> {
              List<Row> rows = due(c);
              if (rows.isEmpty()) {
                return 0;
              }
              try {
                Channel ch = channel();
                for (Row r : rows) {
                  ch.basicPublish(
                      r.exchange(),
                      r.routingKey(),
                      r.envelope().toProperties(Map.of()),
                      r.envelope().body());
                }
                ch.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
              } catch (Exception e) {
                closeChannel();
                rows.forEach(r -> failed.add(r.envelope().id()));
                error[0] = e.getClass().getSimpleName() + ": " + e.getMessage();
                return 0;
              }
              try (PreparedStatement ps =
                  c.prepareStatement("UPDATE outbox SET sent_at = ? WHERE id = ANY (?)")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setArray(
                    2,
                    c.createArrayOf("uuid", rows.stream().map(r -> r.envelope().id()).toArray()));
                ps.executeUpdate();
              }
              return rows.size();
            });
    if (!failed.isEmpty()) {
      LOG.warnf("publishing %d outbox messages failed: %s", failed.size(), error[0]);
      recordFailure(failed, error[0]);
    }
    return sent;
  }

  private List<Row> due(Connection c) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, exchange, routing_key, message_type, schema_version, occurred_at,"
                + " traceparent, request_id, payload::text FROM outbox"
                + " WHERE sent_at IS NULL AND next_attempt_at <= ?"
                + " ORDER BY occurred_at, id LIMIT ? FOR UPDATE SKIP LOCKED")) {
      ps.setTimestamp(1, Timestamp.from(clock.instant()));
      ps.setInt(2, settings.batchSize());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getString(2),
                  rs.getString(3),
                  new Envelope(
                      rs.getObject(1, UUID.class),
                      rs.getString(4),
                      rs.getInt(5),
                      rs.getTimestamp(6).toInstant(),
                      rs.getString(7),
                      rs.getString(8),
                      rs.getString(9))));
        }
      }
    }
    return rows;
  }

  private void recordFailure(List<UUID> ids, String error) {
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                      // Without the cast PostgreSQL types the parameter as an interval.
                      + " next_attempt_at = CAST(? AS timestamptz) + make_interval(secs => least(?, ? * power(2, attempts)))"
                      + " WHERE id = ANY (?)")) {
            ps.setString(1, error);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            ps.setDouble(3, settings.maxBackoff().toMillis() / 1000.0);
            ps.setDouble(4, settings.baseBackoff().toMillis() / 1000.0);
            ps.setArray(5, c.createArrayOf("uuid", ids.toArray()));
            ps.executeUpdate();
          }
          return null;
        });
  }

  private void cleanupIfDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextCleanup)) {
      return;
    }
    nextCleanup = now.plus(Duration.ofHours(1));
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE sent_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(settings.retention())));
            return ps.executeUpdate();
          }
        });
  }

  private Channel channel() throws Exception {
    if (channel == null || !channel.isOpen()) {
      channel = amqp.createChannel();
      channel.confirmSelect();
      channel.exchangeDeclare(Topology.EVENTS_EXCHANGE, "topic", true);
      // Commands are published before any participant may have declared their exchange; a publish
      // to a missing exchange closes the channel and fails the whole batch.
      channel.exchangeDeclare(Topology.COMMANDS_EXCHANGE, "topic", true);
    }
    return channel;
  }

  private void closeChannel() {
    Channel ch = channel;
    channel = null;
    if (ch != null && ch.isOpen()) {
      try {
        ch.close();
      } catch (Exception e) {
        LOG.debug("closing relay channel", e);
      }
    }
  }

  @Override
  public void close() {
    running = false;
    wake();
    Thread t = thread;
    if (t != null) {
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeChannel();
  }
}
