package dev.bazaar.chassis.outbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.AmqpConnector;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.tracing.MessageTracing;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The only publisher of a service, pipelined. Each pass claims a batch of due rows in one
 * autocommit statement (it pushes their {@code next_attempt_at} one lease ahead, with {@code FOR
 * UPDATE SKIP LOCKED}, so several instances relay side by side without taking the same rows),
 * publishes them and goes on to the next batch without waiting: publisher confirms arrive
 * asynchronously and the confirmed rows are marked sent in one statement per pass. No row lock is
 * held across a broker round trip. A nacked or unroutable row gets a growing back-off; a row whose
 * confirm never comes (channel lost, process killed) is claimed again when its lease runs out.
 * Delivery is at least once: consumers dedupe by message id.
 */
public final class OutboxRelay implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> HEADERS = new TypeReference<>() {};

  /**
   * Relay settings. When a pass finds nothing, the wait before the next unprompted pass starts at
   * {@code pollInterval} and doubles per empty pass up to {@code idlePollMax}: an idle relay costs
   * a query every few seconds, not every second. What this process writes wakes the relay at once
   * ({@link #wake()}), and what it schedules for later (a retry, a back-off, a lease) wakes it when
   * due ({@link #wakeAt}), so the growing wait only delays rows another process left behind.
   */
  public record Settings(
      int batchSize,
      Duration pollInterval,
      Duration lease,
      Duration baseBackoff,
      Duration maxBackoff,
      int maxInFlight,
      Duration idlePollMax) {
    public Settings {
      if (idlePollMax.compareTo(pollInterval) < 0) {
        idlePollMax = pollInterval;
      }
    }

    public Settings(
        int batchSize,
        Duration pollInterval,
        Duration lease,
        Duration baseBackoff,
        Duration maxBackoff,
        int maxInFlight) {
      this(batchSize, pollInterval, lease, baseBackoff, maxBackoff, maxInFlight, pollInterval);
    }

    public static Settings defaults() {
      return new Settings(
          200,
          Duration.ofSeconds(1),
          Duration.ofSeconds(30),
          Duration.ofMillis(500),
          Duration.ofSeconds(30),
          2000,
          Duration.ofSeconds(8));
    }
  }

  private record Row(
      String exchange, String routingKey, Envelope envelope, Map<String, Object> h) {}

  /** One publishing channel and the rows it has not had confirmed yet, by publish sequence. */
  private final class Publisher {
    final Channel channel;
    final ConcurrentNavigableMap<Long, UUID> inFlight = new ConcurrentSkipListMap<>();
    final Set<String> returned = ConcurrentHashMap.newKeySet();

    Publisher(Channel channel) {
      this.channel = channel;
    }

    void settle(long tag, boolean multiple, boolean ack) {
      List<UUID> ids = new ArrayList<>();
      if (multiple) {
        ConcurrentNavigableMap<Long, UUID> head = inFlight.headMap(tag, true);
        ids.addAll(head.values());
        head.clear();
      } else {
        UUID id = inFlight.remove(tag);
        if (id != null) {
          ids.add(id);
        }
      }
      for (UUID id : ids) {
        if (ack && !returned.remove(id.toString())) {
          confirmed.add(id);
        } else {
          returned.remove(id.toString());
          rejected.add(id);
        }
      }
      wakeToSettle();
    }

    /** The channel died: what it had in flight gets a back-off and the reason. */
    void abandon(String reason) {
      List<UUID> lost = new ArrayList<>(inFlight.values());
      inFlight.clear();
      if (!lost.isEmpty()) {
        brokenReason = reason;
        broken.addAll(lost);
        wake();
      }
    }
  }

  private final DataSource dataSource;
  private final AmqpConnector amqp;
  private final Clock clock;
  private final Settings settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final ConcurrentLinkedQueue<UUID> confirmed = new ConcurrentLinkedQueue<>();

  /**
   * The lease each claimed row was given: a row is marked sent only while it still carries it. A
   * consumer may re-arm a row with the same id (a retry, a parked message) between its publish and
   * its confirm; that new version must still be published, not marked sent by the old confirm.
   */
  private final ConcurrentHashMap<UUID, Timestamp> leases = new ConcurrentHashMap<>();

  private final ConcurrentLinkedQueue<UUID> rejected = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<UUID> broken = new ConcurrentLinkedQueue<>();
  private volatile String brokenReason = "";
  private boolean wakeRequested;
  // Guarded by lock: a wake was for new rows, not only for confirms to settle (bench/orders found
  // every confirm followed by a claim that found nothing: ~1.6 claims per row).
  private boolean claimRequested;
  // The last claim was cut short by maxInFlight: freed room (a confirm) may let more rows go.
  private volatile boolean roomLimited;
  // Guarded by lock: the wait of the next idle pass, and the earliest time this process scheduled a
  // row for (null: none).
  private Duration idleWait;
  private Instant wakeAt;
  private volatile boolean running;
  private Thread thread;
  private volatile Publisher publisher;
  private volatile boolean channelLost;

  public OutboxRelay(DataSource dataSource, AmqpConnector amqp, Clock clock, Settings settings) {
    this.dataSource = dataSource;
    this.amqp = amqp;
    this.clock = clock;
    this.settings = settings;
    this.idleWait = settings.pollInterval();
  }

  public synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    thread = Thread.ofPlatform().daemon().name("outbox-relay").start(this::loop);
    // A broker that came back finds what waited for it published at once, not after the idle wait.
    amqp.whenConnected(c -> wake());
  }

  /** Asks the relay to look for rows now instead of at its next poll. */
  public void wake() {
    lock.lock();
    try {
      wakeRequested = true;
      claimRequested = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Confirms arrived: the relay marks them sent; they are no reason to look for new rows. */
  private void wakeToSettle() {
    lock.lock();
    try {
      wakeRequested = true;
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Asks the relay to look for rows at {@code due}, when a row this process wrote becomes due then
   * (a delayed retry, a back-off, a lease running out); earlier wakes are kept.
   */
  public void wakeAt(Instant due) {
    lock.lock();
    try {
      if (wakeAt == null || due.isBefore(wakeAt)) {
        wakeAt = due;
        wake.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    boolean claim = true;
    while (running) {
      int published = 0;
      try {
        settle();
        if (claim || roomLimited) {
          published = publishOnce();
        }
      } catch (RuntimeException e) {
        LOG.warn("outbox relay pass failed; will retry", e);
      }
      claim =
          published < settings.batchSize() ? awaitWake(published == 0 && inFlight() == 0) : true;
    }
  }

  /**
   * Waits for a wake, a scheduled row, or the poll: {@code pollInterval} while work is going on,
   * the growing idle wait after an empty pass.
   *
   * @return whether the next pass should claim rows: false when only confirms woke the relay
   */
  private boolean awaitWake(boolean idle) {
    boolean claim = true;
    lock.lock();
    try {
      Duration wait = idle ? idleWait : settings.pollInterval();
      long deadline = System.nanoTime() + wait.toNanos();
      while (!wakeRequested && running) {
        Instant now = clock.instant();
        if (wakeAt != null && !wakeAt.isAfter(now)) {
          wakeAt = null;
          break;
        }
        long left = deadline - System.nanoTime();
        if (wakeAt != null) {
          left = Math.min(left, Duration.between(now, wakeAt).toNanos());
        }
        if (left <= 0) {
          break;
        }
        wake.awaitNanos(left);
      }
      if (wakeRequested && !claimRequested) {
        Instant now = clock.instant();
        claim = wakeAt != null && !wakeAt.isAfter(now);
        if (claim) {
          wakeAt = null;
        }
      }
      if (wakeRequested || !idle) {
        idleWait = settings.pollInterval();
      } else {
        Duration doubled = idleWait.multipliedBy(2);
        idleWait = doubled.compareTo(settings.idlePollMax()) > 0 ? settings.idlePollMax() : doubled;
      }
      wakeRequested = false;
      claimRequested = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
    return claim;
  }

  /** Rows published and not yet confirmed by the broker. */
  public int inFlight() {
    Publisher p = publisher;
    return p == null ? 0 : p.inFlight.size();
  }

  /**
   * Claims and publishes one batch of due rows without waiting for their confirms.
   *
   * @return how many rows were published
   */
  public int publishOnce() {
    if (!amqp.isOpen()) {
      return 0;
    }
    Publisher p;
    try {
      p = publisher();
    } catch (IOException e) {
      LOG.debugf("no publishing channel yet: %s", e.getMessage());
      return 0;
    }
    int room = settings.maxInFlight() - p.inFlight.size();
    if (room <= 0) {
      roomLimited = true;
      return 0;
    }
    List<Row> rows = Tx.run(dataSource, c -> claim(c, Math.min(room, settings.batchSize())));
    roomLimited = room < settings.batchSize() && rows.size() == room;
    if (rows.isEmpty()) {
      return 0;
    }
    // A confirm that never comes (a channel dropped without a word) leaves these rows to the lease.
    wakeAt(clock.instant().plus(settings.lease()));
    String publisherUser = amqp.username();
    int published = 0;
    try {
      for (Row r : rows) {
        long seq = p.channel.getNextPublishSeqNo();
        p.inFlight.put(seq, r.envelope().id());
        // Commands and re-sends to a queue must reach one: published mandatory, an unroutable one
        // comes back (RabbitMQ: returned; Qpid: nacked) and stays in the outbox. Events without
        // subscribers may be dropped.
        Map<String, Object> headers = r.h();
        byte[] body = r.envelope().body();
        if (headers.get(Envelope.HEADER_RAW_BODY) instanceof String raw) {
          headers = new java.util.HashMap<>(headers);
          headers.remove(Envelope.HEADER_RAW_BODY);
          body = raw.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        // Tracing hook (docs/tracing.md): the publish span's context goes out in the headers.
        headers = MessageTracing.published(r.exchange(), r.routingKey(), r.envelope(), headers);
        p.channel.basicPublish(
            r.exchange(),
            r.routingKey(),
            !Topology.EVENTS_EXCHANGE.equals(r.exchange()),
            r.envelope().toProperties(headers, publisherUser),
            body);
        published++;
      }
    } catch (IOException | RuntimeException e) {
      dropPublisher(p);
      List<UUID> unsent =
          rows.subList(published, rows.size()).stream().map(r -> r.envelope().id()).toList();
      recordFailure(unsent, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    return published;
  }

  /**
   * One pass for tests and tools: publishes a batch, waits (a few seconds at most) for its confirms
   * and marks it.
   *
   * @return how many rows were marked sent
   */
  public int relayOnce() {
    int published = publishOnce();
    Publisher p = publisher;
    if (published > 0 && p != null) {
      try {
        p.channel.waitForConfirms(5000);
      } catch (Exception e) {
        LOG.debugf("waiting for confirms: %s", e.toString());
      }
      long until = System.nanoTime() + 1_000_000_000L;
      while (!p.inFlight.isEmpty() && p.channel.isOpen() && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      if (!p.channel.isOpen()) {
        // The broker closed the channel (RabbitMQ: an unknown exchange): do not wait for its
        // shutdown listener, record the failure of what it had in flight now.
        p.abandon("channel closed: " + String.valueOf(p.channel.getCloseReason()));
      }
    }
    return settle();
  }

  /**
   * Marks confirmed rows sent and gives rejected ones a back-off, one statement each.
   *
   * @return how many rows were marked sent
   */
  public int settle() {
    List<UUID> sent = drain(confirmed);
    if (!sent.isEmpty()) {
      try {
        Tx.run(
            dataSource,
            c -> {
              // Micros since the epoch: the exact lease the claim wrote (timestamptz keeps micros).
              List<Long> claimed = new ArrayList<>();
              for (UUID id : sent) {
                Timestamp lease = leases.get(id);
                claimed.add(lease == null ? -1L : micros(lease));
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE outbox o SET sent_at = ? FROM unnest(?::uuid[], ?::bigint[])"
                          + " AS s(id, lease) WHERE o.id = s.id"
                          + " AND (extract(epoch FROM o.next_attempt_at) * 1000000)::bigint = s.lease")) {
                ps.setTimestamp(1, Timestamp.from(clock.instant()));
                ps.setArray(2, c.createArrayOf("uuid", sent.toArray()));
                ps.setArray(3, c.createArrayOf("bigint", claimed.toArray()));
                int marked = ps.executeUpdate();
                leases.keySet().removeAll(sent);
                return marked;
              }
            });
      } catch (RuntimeException e) {
        // Published and confirmed, not yet marked: try again next pass (the lease keeps others
        // off).
        confirmed.addAll(sent);
        throw e;
      }
    }
    List<UUID> refused = drain(rejected);
    if (!refused.isEmpty()) {
      LOG.warnf("the broker refused %d outbox messages (unroutable or nacked)", refused.size());
      leases.keySet().removeAll(refused);
      recordFailure(refused, "not routed to any queue, or nacked by the broker");
    }
    List<UUID> lost = drain(broken);
    if (!lost.isEmpty()) {
      LOG.warnf("publishing %d outbox messages failed: %s", lost.size(), brokenReason);
      leases.keySet().removeAll(lost);
      recordFailure(lost, brokenReason);
    }
    return sent.size();
  }

  private static long micros(Timestamp t) {
    return t.getTime() / 1000 * 1_000_000 + t.getNanos() / 1000;
  }

  private static List<UUID> drain(ConcurrentLinkedQueue<UUID> queue) {
    List<UUID> out = new ArrayList<>();
    UUID id;
    while ((id = queue.poll()) != null) {
      out.add(id);
    }
    return out;
  }

  private List<Row> claim(Connection c, int limit) throws SQLException {
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE outbox o SET next_attempt_at = ? FROM (SELECT id FROM outbox"
                + " WHERE sent_at IS NULL AND next_attempt_at <= ?"
                + " ORDER BY next_attempt_at, occurred_at LIMIT ? FOR UPDATE SKIP LOCKED) due"
                + " WHERE o.id = due.id RETURNING o.id, o.exchange, o.routing_key, o.message_type,"
                + " o.schema_version, o.occurred_at, o.traceparent, o.request_id,"
                + " o.payload::text, o.headers::text")) {
      Timestamp leaseUntil =
          Timestamp.from(
              now.plus(settings.lease()).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
      ps.setTimestamp(1, leaseUntil);
      ps.setTimestamp(2, Timestamp.from(now));
      ps.setInt(3, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          leases.put(rs.getObject(1, UUID.class), leaseUntil);
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
                      rs.getString(9)),
                  headers(rs.getString(10))));
        }
      }
    }
    rows.sort(Comparator.comparing((Row r) -> r.envelope().occurredAt()));
    return rows;
  }

  private static Map<String, Object> headers(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return JSON.readValue(json, HEADERS);
    } catch (IOException e) {
      throw new IllegalStateException("outbox headers are unreadable: " + json, e);
    }
  }

  private void recordFailure(List<UUID> ids, String error) {
    if (ids.isEmpty()) {
      return;
    }
    Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
                      + " next_attempt_at = CAST(? AS timestamptz) + make_interval(secs => least(?, ? * power(2, attempts)))"
                      + " WHERE id = ANY (?) AND sent_at IS NULL RETURNING next_attempt_at")) {
            ps.setString(1, error);
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            ps.setDouble(3, settings.maxBackoff().toMillis() / 1000.0);
            ps.setDouble(4, settings.baseBackoff().toMillis() / 1000.0);
            ps.setArray(5, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                wakeAt(rs.getTimestamp(1).toInstant());
              }
            }
          }
          return null;
        });
  }

  private Publisher publisher() throws IOException {
    Publisher p = publisher;
    if (p != null && p.channel.isOpen()) {
      return p;
    }
    if (p != null) {
      dropPublisher(p);
    }
    // A publish to a missing exchange would close the channel on RabbitMQ: check both first.
    Topology.requireExchange(amqp::createChannel, Topology.EVENTS_EXCHANGE);
    Topology.requireExchange(amqp::createChannel, Topology.COMMANDS_EXCHANGE);
    Channel ch = amqp.createChannel();
    ch.confirmSelect();
    Publisher fresh = new Publisher(ch);
    ch.addConfirmListener(
        (tag, multiple) -> fresh.settle(tag, multiple, true),
        (tag, multiple) -> fresh.settle(tag, multiple, false));
    ch.addShutdownListener(
        cause -> fresh.abandon("channel closed: " + String.valueOf(cause.getMessage())));
    ch.addReturnListener(
        r -> {
          if (r.getProperties() == null || r.getProperties().getMessageId() == null) {
            return;
          }
          // RabbitMQ returns before it confirms; Qpid may nack first and return after. A return
          // for a row no longer in flight was settled already and must not taint its next publish.
          try {
            UUID id = UUID.fromString(r.getProperties().getMessageId());
            if (fresh.inFlight.containsValue(id)) {
              fresh.returned.add(id.toString());
            }
          } catch (IllegalArgumentException e) {
            LOG.debugf(
                "return of a message with a foreign id %s", r.getProperties().getMessageId());
          }
        });
    publisher = fresh;
    if (channelLost) {
      channelLost = false;
      // A channel came back after one was lost: rows that backed off while the broker was away
      // are due now, not after their back-off (up to bazaar's 30 s).
      retryBackedOffRows();
    }
    return fresh;
  }

  private void retryBackedOffRows() {
    try {
      Tx.run(
          dataSource,
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE outbox SET next_attempt_at = ? WHERE sent_at IS NULL AND attempts > 0"
                        + " AND next_attempt_at > ?")) {
              Timestamp now = Timestamp.from(clock.instant());
              ps.setTimestamp(1, now);
              ps.setTimestamp(2, now);
              return ps.executeUpdate();
            }
          });
    } catch (RuntimeException e) {
      LOG.debugf("could not make backed-off rows due: %s", e.toString());
    }
  }

  /**
   * Forgets a channel: its unconfirmed rows are claimed again when their lease runs out (a confirm
   * that was lost with the channel is a duplicate at worst, which consumers drop).
   */
  private void dropPublisher(Publisher p) {
    channelLost = true;
    if (publisher == p) {
      publisher = null;
    }
    p.inFlight.clear();
    try {
      p.channel.abort();
    } catch (IOException | RuntimeException e) {
      LOG.debug("aborting relay channel", e);
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
    Publisher p = publisher;
    if (p != null) {
      // Let confirms of what was just published arrive, then mark those rows.
      try {
        p.channel.waitForConfirms(2000);
      } catch (Exception e) {
        LOG.debug("waiting for the last confirms", e);
      }
      try {
        settle();
      } catch (RuntimeException e) {
        LOG.debug("marking the last confirmed rows", e);
      }
      dropPublisher(p);
    }
  }
}
