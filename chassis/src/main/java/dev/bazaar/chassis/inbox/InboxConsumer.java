package dev.bazaar.chassis.inbox;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.AmqpConnector;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.outbox.Outbox;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.chassis.tracing.MessageTracing;
import dev.bazaar.chassis.web.Correlation;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * An idempotent, at-least-once consumer that works in batches. Deliveries (up to {@code prefetch}
 * unacked) are handled by one worker thread: all that have arrived are handled in one transaction
 * that inserts each message id into the inbox (a duplicate hits the unique key and is skipped) and
 * runs the handler; after the commit they are acked together. If any message of a batch fails, the
 * transaction commits nothing and the whole batch is handed back to the broker, which redelivers
 * it; redelivered messages are then handled one per transaction, so one bad message cannot hold
 * back the others.
 *
 * <p>A message that fails on its own is retried later, not by a sleeping consumer: in one
 * transaction it is written to this service's outbox, addressed to this queue with its attempt
 * count and a growing delay, and acked after that commits; the outbox relay re-sends it when the
 * delay is over. After {@code maxAttempts}, or at once for a {@link PoisonMessageException}, it is
 * written the same way to {@code <queue>.parked} with the error. Both work alike on RabbitMQ and
 * Qpid Broker-J, which lacks dead-lettering and delayed delivery.
 */
public final class InboxConsumer {

  private static final Logger LOG = Logger.getLogger(InboxConsumer.class);

  /** Routes from an exchange to this consumer's queue. */
  public record Binding(String exchange, String routingKey) {}

  /**
   * Consumer settings: attempts before parking, unacked deliveries (= the largest batch), the first
   * retry delay, and how long a batch waits for more deliveries after its first (0: takes what has
   * arrived).
   */
  public record Settings(int maxAttempts, int prefetch, Duration baseRetryDelay, Duration linger) {
    public Settings(int maxAttempts, int prefetch, Duration baseRetryDelay) {
      this(maxAttempts, prefetch, baseRetryDelay, Duration.ZERO);
    }

    public static Settings defaults() {
      return new Settings(5, 64, Duration.ofMillis(200));
    }
  }

  /** One delivery, with the channel it must be acked on. */
  private record Delivery(
      Channel channel, long tag, boolean redelivered, AMQP.BasicProperties props, byte[] body) {}

  /** The broker user of Bazaar's own tools (`bazaar messages replay`), trusted to re-send. */
  static final String TOOLS_USER = "launcher";

  private static final Delivery STOP = new Delivery(null, -1, false, null, null);

  private final DataSource dataSource;
  private final AmqpConnector amqp;
  private final String queue;
  private final String consumerName;
  private final List<Binding> bindings;
  private final MessageHandler handler;
  private final Settings settings;
  private final Clock clock = Clock.systemUTC();
  private final LinkedBlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private volatile boolean subscribed;
  private volatile boolean running = true;
  private volatile Runnable afterCommit = () -> {};
  private volatile java.util.function.Consumer<Instant> retryScheduled = due -> {};
  private Thread worker;

  public InboxConsumer(
      DataSource dataSource,
      AmqpConnector amqp,
      String queue,
      String consumerName,
      List<Binding> bindings,
      MessageHandler handler,
      Settings settings) {
    this.dataSource = dataSource;
    this.amqp = amqp;
    this.queue = queue;
    this.consumerName = consumerName;
    this.bindings = List.copyOf(bindings);
    this.handler = handler;
    this.settings = settings;
  }

  /**
   * Runs after each batch's transaction committed, e.g. to wake the outbox relay so that what the
   * handlers published leaves at once instead of at the relay's next poll.
   */
  public InboxConsumer afterCommit(Runnable hook) {
    this.afterCommit = hook;
    return this;
  }

  /**
   * Runs after a failed message was written to the outbox for a delayed retry, with the time it is
   * due, e.g. to wake the outbox relay then (its idle poll may be longer than the delay).
   */
  public InboxConsumer retryScheduled(java.util.function.Consumer<Instant> hook) {
    this.retryScheduled = hook;
    return this;
  }

  public void start() {
    worker = Thread.ofPlatform().daemon().name("inbox-" + queue).start(this::work);
    amqp.whenConnected(this::subscribe);
  }

  /** Stops taking deliveries; what is unacked is redelivered to another consumer. */
  public void stop() {
    running = false;
    deliveries.add(STOP);
    Thread t = worker;
    if (t != null) {
      try {
        t.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** True once the queue is declared, bound and consumed from. */
  public boolean isSubscribed() {
    return subscribed && amqp.isOpen();
  }

  public String queue() {
    return queue;
  }

  private void subscribe(Connection connection) {
    try {
      for (String exchange : bindings.stream().map(Binding::exchange).distinct().toList()) {
        Topology.requireExchange(connection::createChannel, exchange);
      }
      Channel ch = connection.createChannel();
      ch.queueDeclare(queue, true, false, false, null);
      ch.queueDeclare(queue + Topology.PARKED_SUFFIX, true, false, false, null);
      for (Binding b : bindings) {
        ch.queueBind(queue, b.exchange(), b.routingKey());
      }
      ch.basicQos(settings.prefetch());
      ch.basicConsume(
          queue,
          false,
          consumerName,
          new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(
                String tag,
                com.rabbitmq.client.Envelope delivery,
                AMQP.BasicProperties props,
                byte[] body) {
              deliveries.add(
                  new Delivery(
                      getChannel(),
                      delivery.getDeliveryTag(),
                      delivery.isRedeliver(),
                      props,
                      body));
            }
          });
      subscribed = true;
      LOG.infof("consuming %s as %s", queue, consumerName);
    } catch (IOException e) {
      throw new IllegalStateException("cannot subscribe to " + queue, e);
    }
  }

  private void work() {
    List<Delivery> batch = new ArrayList<>(settings.prefetch());
    while (running) {
      batch.clear();
      try {
        // Blocks until a delivery or stop()'s marker arrives: an idle consumer never wakes.
        batch.add(deliveries.take());
        if (!settings.linger().isZero()) {
          Thread.sleep(settings.linger());
        }
        deliveries.drainTo(batch, settings.prefetch() - 1);
      } catch (InterruptedException e) {
        return;
      }
      if (batch.remove(STOP)) {
        // Stopping: hand the rest back, unhandled.
        requeue(batch);
        return;
      }
      try {
        handle(batch);
      } catch (RuntimeException e) {
        // The database or the broker is away: hand back what is not settled, give them a moment.
        LOG.warnf("handling messages from %s failed: %s", queue, e.toString());
        requeue(batch);
        pause(Duration.ofSeconds(1));
      }
    }
  }

  /** Handles a batch: together when it can, one by one after it was handed back once. */
  void handle(List<Delivery> batch) {
    List<Delivery> fresh = new ArrayList<>();
    List<Delivery> redelivered = new ArrayList<>();
    for (Delivery d : batch) {
      (d.redelivered() && batch.size() > 1 ? redelivered : fresh).add(d);
    }
    // Each settled delivery leaves the batch, so a failure below hands back only the rest.
    for (Delivery d : redelivered) {
      handleAlone(d);
      batch.remove(d);
    }
    if (fresh.isEmpty()) {
      return;
    }
    if (fresh.size() == 1) {
      handleAlone(fresh.get(0));
      batch.clear();
      return;
    }
    int handled;
    try {
      handled =
          Tx.run(
              dataSource,
              c -> {
                int n = 0;
                for (Delivery d : fresh) {
                  if (process(c, d)) {
                    n++;
                  }
                }
                return n;
              });
    } catch (RuntimeException e) {
      LOG.debugf(
          "a batch of %d from %s failed (%s); the broker redelivers it",
          fresh.size(), queue, e.toString());
      if (Tx.isConnectionFailure(e)) {
        throw e;
      }
      requeue(fresh);
      batch.clear();
      return;
    }
    ack(fresh);
    batch.clear();
    if (handled > 0) {
      afterCommit.run();
    }
  }

  /** One delivery in its own transaction; a failure sends it to a delayed retry or parks it. */
  private void handleAlone(Delivery d) {
    boolean handled;
    try {
      handled = Tx.run(dataSource, c -> process(c, d));
    } catch (RuntimeException e) {
      if (Tx.isConnectionFailure(e)) {
        throw e;
      }
      retryOrPark(d, rootCause(e));
      return;
    }
    ack(List.of(d));
    if (handled) {
      afterCommit.run();
    }
  }

  /** Inbox insert and handler; false when the message was handled before (a duplicate). */
  private boolean process(java.sql.Connection c, Delivery d) throws Exception {
    Envelope envelope;
    try {
      envelope = Envelope.from(d.props(), d.body());
    } catch (RuntimeException e) {
      throw new PoisonMessageException("unreadable envelope: " + e.getMessage());
    }
    // Tracing hook (docs/tracing.md): the consume span, current while the handler runs.
    MessageTracing.Consume traced = MessageTracing.consume(queue, envelope, d.props().getHeaders());
    Correlation.bind(envelope.requestId(), envelope.traceparent());
    try {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO inbox (message_id, consumer) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
        ps.setObject(1, envelope.id());
        ps.setString(2, consumerName);
        if (ps.executeUpdate() == 0) {
          LOG.debugf("duplicate %s %s ignored", envelope.type(), envelope.id());
          return false;
        }
      }
      handler.handle(c, withSender(d.props(), envelope));
      return true;
    } catch (Exception e) {
      traced.failed(e);
      throw e;
    } finally {
      Correlation.clear();
      traced.close();
    }
  }

  /**
   * The envelope as its first publisher sent it: a retry this consumer re-sent through its own
   * outbox carries this service's user-id, and the original sender in a header only it writes.
   */
  private Envelope withSender(AMQP.BasicProperties props, Envelope e) {
    Object original = header(props, Envelope.HEADER_ORIGINAL_USER_ID);
    boolean resentByTrusted =
        e.userId() != null && (e.userId().equals(amqp.username()) || e.userId().equals(TOOLS_USER));
    if (original == null || !resentByTrusted) {
      return e;
    }
    return new Envelope(
        e.id(),
        e.type(),
        e.version(),
        e.occurredAt(),
        e.traceparent(),
        e.requestId(),
        e.payload(),
        original.toString());
  }

  private void retryOrPark(Delivery d, Throwable failure) {
    int attempts = attemptsOf(d.props()) + 1;
    boolean park = failure instanceof PoisonMessageException || attempts >= settings.maxAttempts();
    String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
    if (error.length() > 1000) {
      error = error.substring(0, 1000);
    }
    Envelope envelope;
    try {
      envelope = Envelope.from(d.props(), d.body());
    } catch (RuntimeException e) {
      envelope = null;
    }
    Map<String, Object> headers = new HashMap<>();
    if (d.props() != null && d.props().getHeaders() != null) {
      d.props()
          .getHeaders()
          .forEach(
              (k, v) ->
                  headers.put(
                      k,
                      v == null || v instanceof Number || v instanceof Boolean ? v : v.toString()));
    }
    headers.put(Envelope.HEADER_ATTEMPTS, attempts);
    if (envelope != null && envelope.userId() != null) {
      headers.putIfAbsent(Envelope.HEADER_ORIGINAL_USER_ID, envelope.userId());
    }
    Instant now = clock.instant();
    String target;
    Instant notBefore;
    if (park) {
      LOG.errorf("%s from %s failed %d times; parking it: %s", describe(d), queue, attempts, error);
      target = queue + Topology.PARKED_SUFFIX;
      notBefore = null;
      headers.put(Envelope.HEADER_ERROR, error);
      headers.put(Envelope.HEADER_ORIGINAL_QUEUE, queue);
      headers.put(Envelope.HEADER_PARKED_AT, now.toString());
    } else {
      Duration delay = settings.baseRetryDelay().multipliedBy(1L << Math.min(attempts - 1, 8));
      LOG.warnf(
          "%s from %s failed (attempt %d of %d): %s; retrying in %d ms",
          describe(d), queue, attempts, settings.maxAttempts(), error, delay.toMillis());
      target = queue;
      notBefore = now.plus(delay);
    }
    String body = new String(d.body(), java.nio.charset.StandardCharsets.UTF_8);
    String payload = body;
    if (!isJson(body)) {
      // The outbox holds JSON; the relay sends this header's text as the body again.
      headers.put(Envelope.HEADER_RAW_BODY, body);
      payload = "null";
    }
    Envelope toSend =
        envelope != null
            ? new Envelope(
                envelope.id(),
                envelope.type(),
                envelope.version(),
                envelope.occurredAt(),
                envelope.traceparent(),
                envelope.requestId(),
                payload)
            : new Envelope(
                java.util.UUID.randomUUID(),
                d.props() != null && d.props().getType() != null ? d.props().getType() : "unknown",
                1,
                now,
                null,
                null,
                payload);
    Tx.run(
        dataSource,
        c -> {
          Outbox.append(c, "", target, toSend, headers, notBefore);
          return null;
        });
    ack(List.of(d));
    afterCommit.run();
    if (notBefore != null) {
      retryScheduled.accept(notBefore);
    }
  }

  /**
   * Acks each handled delivery on its own channel. One by one, not "multiple": a batch may hold
   * redelivered messages handled alone between others, and acking a higher tag with multiple would
   * also ack lower ones not yet committed.
   */
  private void ack(List<Delivery> handled) {
    for (Delivery d : handled) {
      try {
        d.channel().basicAck(d.tag(), false);
      } catch (IOException | RuntimeException e) {
        // The channel is gone: the broker redelivers, and the inbox drops the duplicates.
        LOG.debugf("ack on %s failed: %s", queue, e.toString());
      }
    }
  }

  /** Hands deliveries back to the broker, which redelivers them (marked redelivered). */
  private void requeue(List<Delivery> batch) {
    for (Delivery d : batch) {
      try {
        d.channel().basicNack(d.tag(), false, true);
      } catch (IOException | RuntimeException e) {
        LOG.debugf("nack on %s failed: %s", queue, e.toString());
      }
    }
  }

  private static String describe(Delivery d) {
    return d.props() == null ? "a message" : d.props().getType() + " " + d.props().getMessageId();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static boolean isJson(String text) {
    try {
      JSON.readTree(text);
      return !text.isBlank();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static Object header(AMQP.BasicProperties props, String name) {
    return props == null || props.getHeaders() == null ? null : props.getHeaders().get(name);
  }

  private static int attemptsOf(AMQP.BasicProperties props) {
    Object v = header(props, Envelope.HEADER_ATTEMPTS);
    if (v instanceof Number n) {
      return n.intValue();
    }
    if (v != null) {
      try {
        return Integer.parseInt(v.toString());
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t && !(t instanceof PoisonMessageException)) {
      t = t.getCause();
    }
    return t;
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
