package dev.bazaar.launcher.messages;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Reads and replays parked messages over an open AMQP connection. Listing never removes anything:
 * messages are fetched with {@code basic.get} without auto-ack and return to their queue, in their
 * order, when the channel closes unacknowledged. A queue that does not exist is skipped: RabbitMQ
 * answers a passive declare of a missing queue by closing the channel (404), so every queue gets a
 * channel of its own.
 */
public final class ParkedMessages {

  /** What a replay did. */
  public record Replayed(String id, String type, String queue, int copies) {}

  /** {@code replay} of an id that is on no parking queue, or on more than one. */
  public static final class NotReplayable extends Exception {
    NotReplayable(String message) {
      super(message);
    }
  }

  private final Connection connection;

  public ParkedMessages(Connection connection) {
    this.connection = connection;
  }

  /** The parked messages of each queue, queue by queue, oldest first. */
  public List<ParkedMessage> list(List<String> queues) throws IOException {
    List<ParkedMessage> all = new ArrayList<>();
    for (String queue : queues) {
      Channel ch = openIfExists(ParkedQueues.parked(queue));
      if (ch == null) {
        continue;
      }
      try {
        GetResponse got;
        while ((got = ch.basicGet(ParkedQueues.parked(queue), false)) != null) {
          all.add(describe(queue, got));
        }
      } finally {
        // Unacked: everything fetched goes back to the queue.
        closeQuietly(ch);
      }
    }
    return all;
  }

  /**
   * Re-publishes the message with this id to the queue it was parked from, without its attempt
   * count, waits for the broker's confirm, and only then acks the parked copy (every copy, when it
   * was parked more than once: the consumer's inbox handles the id once anyway).
   */
  public Replayed replay(String id, List<String> queues) throws IOException, NotReplayable {
    List<String> holding = new ArrayList<>();
    for (ParkedMessage m : list(queues)) {
      if (id.equals(m.id()) && !holding.contains(m.queue())) {
        holding.add(m.queue());
      }
    }
    if (holding.isEmpty()) {
      throw new NotReplayable(
          "no parked message with id "
              + id
              + " on "
              + String.join(", ", queues.stream().map(ParkedQueues::parked).toList()));
    }
    if (holding.size() > 1) {
      throw new NotReplayable(
          "message "
              + id
              + " is parked on more than one queue ("
              + String.join(", ", holding)
              + "); choose one with --queue");
    }
    return replayFrom(id, holding.get(0));
  }

  private Replayed replayFrom(String id, String queue) throws IOException, NotReplayable {
    String parked = ParkedQueues.parked(queue);
    Channel get = openIfExists(parked);
    if (get == null) {
      throw new NotReplayable(parked + " no longer exists");
    }
    try {
      List<GetResponse> copies = new ArrayList<>();
      GetResponse got;
      while ((got = get.basicGet(parked, false)) != null) {
        if (id.equals(got.getProps().getMessageId())) {
          copies.add(got);
        }
      }
      if (copies.isEmpty()) {
        throw new NotReplayable("message " + id + " left " + parked + " while replaying it");
      }
      GetResponse first = copies.get(0);
      String target = originalQueue(queue, first.getProps());
      if (!exists(target)) {
        throw new NotReplayable(
            "the queue " + target + " to replay " + id + " to does not exist (is it consumed?)");
      }
      publishConfirmed(target, first);
      for (GetResponse copy : copies) {
        get.basicAck(copy.getEnvelope().getDeliveryTag(), false);
      }
      return new Replayed(id, first.getProps().getType(), target, copies.size());
    } finally {
      // Every other message fetched on the way is unacked and returns to the parking queue.
      closeQuietly(get);
    }
  }

  /** Where a re-published message keeps the {@code user-id} it was first sent with. */
  static final String HEADER_SENDER = "x-bazaar-sender";

  private void publishConfirmed(String target, GetResponse message) throws IOException {
    Channel publish = connection.createChannel();
    try {
      publish.confirmSelect();
      Map<String, Object> headers = new HashMap<>();
      if (message.getProps().getHeaders() != null) {
        headers.putAll(message.getProps().getHeaders());
      }
      // A fresh start: the consumer counts attempts again from zero; parking sets these anew.
      headers.remove(ParkedQueues.HEADER_ATTEMPTS);
      headers.remove(ParkedQueues.HEADER_ERROR);
      headers.remove(ParkedQueues.HEADER_PARKED_AT);
      headers.remove(ParkedQueues.HEADER_ORIGINAL_QUEUE);
      // Both brokers refuse a user-id other than the publishing login's: the original sender
      // travels in a header instead (the consumer trusts it only from its own login or this one).
      String sender = message.getProps().getUserId();
      if (sender != null && !headers.containsKey(HEADER_SENDER)) {
        headers.put(HEADER_SENDER, sender);
      }
      AMQP.BasicProperties props =
          message.getProps().builder().headers(headers).deliveryMode(2).userId(null).build();
      publish.basicPublish("", target, true, props, message.getBody());
      try {
        publish.waitForConfirmsOrDie(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the broker to confirm", e);
      } catch (TimeoutException e) {
        throw new IOException("the broker did not confirm the replay within 10 s", e);
      }
    } finally {
      closeQuietly(publish);
    }
  }

  static String originalQueue(String queue, AMQP.BasicProperties props) {
    Object header =
        props.getHeaders() == null
            ? null
            : props.getHeaders().get(ParkedQueues.HEADER_ORIGINAL_QUEUE);
    return header == null || header.toString().isBlank() ? queue : header.toString();
  }

  static ParkedMessage describe(String queue, GetResponse got) {
    AMQP.BasicProperties p = got.getProps();
    Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
    Object attempts = h.get(ParkedQueues.HEADER_ATTEMPTS);
    return new ParkedMessage(
        p.getMessageId(),
        p.getType(),
        originalQueue(queue, p),
        ParkedQueues.parked(queue),
        attempts instanceof Number n ? n.intValue() : 0,
        text(h.get(ParkedQueues.HEADER_PARKED_AT)),
        text(h.get(ParkedQueues.HEADER_ERROR)));
  }

  /** AMQP string headers arrive as {@code LongString}; anything else as its text. */
  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  /** A channel on which {@code queue} exists, or null when it does not. */
  private Channel openIfExists(String queue) throws IOException {
    Channel ch = connection.createChannel();
    try {
      ch.queueDeclarePassive(queue);
      return ch;
    } catch (IOException missing) {
      // 404 NOT_FOUND closes the channel on RabbitMQ and on Qpid; any other failure of the
      // connection surfaces on the next createChannel.
      closeQuietly(ch);
      if (!connection.isOpen()) {
        throw missing;
      }
      return null;
    }
  }

  private boolean exists(String queue) throws IOException {
    Channel ch = openIfExists(queue);
    if (ch == null) {
      return false;
    }
    closeQuietly(ch);
    return true;
  }

  private static void closeQuietly(Channel ch) {
    try {
      if (ch.isOpen()) {
        ch.close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      // already closed by the broker
    }
  }
}
