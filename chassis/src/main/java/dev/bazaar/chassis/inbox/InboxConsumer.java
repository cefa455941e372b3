package dev.bazaar.chassis.inbox;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.AmqpConnector;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.chassis.web.Correlation;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * An idempotent, at-least-once consumer. For each delivery it inserts the message id into the inbox
 * and runs the handler in the same transaction, commits, and only then acks. A duplicate delivery
 * hits the inbox's unique key and is acked without running the handler. A handler failure is
 * retried by re-publishing the message with an attempt count; after {@code maxAttempts} the message
 * is moved to {@code <queue>.parked} and acked. This is done here, not with broker dead-lettering,
 * because it must behave the same on RabbitMQ and Qpid Broker-J.
 */
public final class InboxConsumer {

  private static final Logger LOG = Logger.getLogger(InboxConsumer.class);

  /** Routes from an exchange to this consumer's queue. */
  public record Binding(String exchange, String routingKey) {}

  /** Consumer settings. */
  public record Settings(int maxAttempts, int prefetch, Duration baseRetryDelay) {
    public static Settings defaults() {
      return new Settings(5, 32, Duration.ofMillis(100));
    }
  }

  private final DataSource dataSource;
  private final AmqpConnector amqp;
  private final String queue;
  private final String consumerName;
  private final List<Binding> bindings;
  private final MessageHandler handler;
  private final Settings settings;
  private volatile boolean subscribed;
  private volatile Runnable afterCommit = () -> {};

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
   * Runs after each handled message's transaction committed, e.g. to wake the outbox relay so that
   * what the handler published leaves at once instead of at the relay's next poll.
   */
  public InboxConsumer afterCommit(Runnable hook) {
    this.afterCommit = hook;
    return this;
  }

  public void start() {
    amqp.whenConnected(this::subscribe);
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
      Channel ch = connection.createChannel();
      Channel publish = connection.createChannel();
      publish.confirmSelect();
      for (Binding b : bindings) {
        ch.exchangeDeclare(b.exchange(), "topic", true);
      }
      ch.queueDeclare(queue, true, false, false, null);
      ch.queueDeclare(queue + Topology.PARKED_SUFFIX, true, false, false, null);
      for (Binding b : bindings) {
        ch.queueBind(queue, b.exchange(), b.routingKey());
      }
      ch.basicQos(settings.prefetch());
      ch.basicConsume(queue, false, consumerName, new Delivery(ch, publish));
      subscribed = true;
      LOG.infof("consuming %s as %s", queue, consumerName);
    } catch (IOException e) {
      throw new IllegalStateException("cannot subscribe to " + queue, e);
    }
  }

  private final class Delivery extends DefaultConsumer {
    private final Channel publish;

    Delivery(Channel channel, Channel publish) {
      super(channel);
      this.publish = publish;
    }

    @Override
    public void handleDelivery(
        String tag, Envelope delivery, AMQP.BasicProperties props, byte[] body) throws IOException {
      long deliveryTag = delivery.getDeliveryTag();
      dev.bazaar.chassis.messaging.Envelope envelope;
      try {
        envelope = dev.bazaar.chassis.messaging.Envelope.from(props, body);
      } catch (RuntimeException e) {
        park(props, body, "unreadable envelope: " + e.getMessage(), attemptsOf(props) + 1);
        getChannel().basicAck(deliveryTag, false);
        return;
      }
      Correlation.bind(envelope.requestId(), envelope.traceparent());
      try {
        boolean handled = process(envelope);
        getChannel().basicAck(deliveryTag, false);
        if (handled) {
          afterCommit.run();
        }
        if (!handled) {
          LOG.debugf("duplicate %s %s ignored", envelope.type(), envelope.id());
        }
      } catch (Exception e) {
        int attempts = attemptsOf(props) + 1;
        if (attempts >= settings.maxAttempts()) {
          LOG.errorf(
              e, "%s %s failed %d times; parking it", envelope.type(), envelope.id(), attempts);
          park(props, body, e.getClass().getSimpleName() + ": " + e.getMessage(), attempts);
        } else {
          LOG.warnf(
              "%s %s failed (attempt %d of %d): %s; retrying",
              envelope.type(), envelope.id(), attempts, settings.maxAttempts(), e.toString());
          sleep(settings.baseRetryDelay().multipliedBy(1L << Math.min(attempts, 6)));
          republish(
              props,
              body,
              queue,
              Map.of(dev.bazaar.chassis.messaging.Envelope.HEADER_ATTEMPTS, attempts));
        }
        getChannel().basicAck(deliveryTag, false);
      } finally {
        Correlation.clear();
      }
    }

    /**
     * Moves the message to the parking queue with what {@code bazaar messages parked} shows: the
     * error, the queue to replay it to, how many attempts failed and when it was parked.
     */
    private void park(AMQP.BasicProperties props, byte[] body, String error, int attempts)
        throws IOException {
      republish(
          props,
          body,
          queue + Topology.PARKED_SUFFIX,
          Map.of(
              dev.bazaar.chassis.messaging.Envelope.HEADER_ERROR,
              error.length() > 1000 ? error.substring(0, 1000) : error,
              dev.bazaar.chassis.messaging.Envelope.HEADER_ORIGINAL_QUEUE,
              queue,
              dev.bazaar.chassis.messaging.Envelope.HEADER_ATTEMPTS,
              attempts,
              dev.bazaar.chassis.messaging.Envelope.HEADER_PARKED_AT,
              Instant.now().toString()));
    }

    private void republish(
        AMQP.BasicProperties props, byte[] body, String target, Map<String, Object> extra)
        throws IOException {
      Map<String, Object> headers = new HashMap<>();
      if (props != null && props.getHeaders() != null) {
        headers.putAll(props.getHeaders());
      }
      headers.putAll(extra);
      AMQP.BasicProperties base = props == null ? new AMQP.BasicProperties() : props;
      AMQP.BasicProperties out = base.builder().headers(headers).deliveryMode(2).build();
      synchronized (publish) {
        publish.basicPublish("", target, out, body);
        try {
          publish.waitForConfirmsOrDie(5000);
        } catch (Exception e) {
          // Without a confirm the original must not be acked: let the broker redeliver it.
          throw new IOException("re-publish to " + target + " was not confirmed", e);
        }
      }
    }
  }

  /** Inbox insert and handler in one transaction; false when the message was seen before. */
  boolean process(dev.bazaar.chassis.messaging.Envelope envelope) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO inbox (message_id, consumer) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, envelope.id());
            ps.setString(2, consumerName);
            if (ps.executeUpdate() == 0) {
              return false;
            }
          }
          handler.handle(c, envelope);
          return true;
        });
  }

  private static int attemptsOf(AMQP.BasicProperties props) {
    if (props == null || props.getHeaders() == null) {
      return 0;
    }
    return props.getHeaders().get(dev.bazaar.chassis.messaging.Envelope.HEADER_ATTEMPTS)
            instanceof Number n
        ? n.intValue()
        : 0;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
