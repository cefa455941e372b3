package dev.bazaar.chassis.admin;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.paging.PageRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Lists, replays and discards the messages a consumer parked on {@code <queue>.parked}, over any
 * AMQP 0-9-1 connection (RabbitMQ or the embedded broker). Listing takes nothing away: messages are
 * fetched with {@code basic.get} unacknowledged and go back, in order, when the channel closes. The
 * same approach as the launcher's {@code bazaar messages} command, which has no chassis dependency.
 */
public final class ParkedMessages {

  public static final String PARKED_SUFFIX = ".parked";

  /** Longest body excerpt shown for a parked message. */
  static final int BODY_EXCERPT = 2048;

  /**
   * One parked message as the console shows it. A message that reached a queue without an id, a
   * type or the parking headers shows them as null.
   */
  public record Parked(
      @Schema(nullable = true) String id,
      @Schema(nullable = true) String type,
      String queue,
      int attempts,
      @Schema(nullable = true) String parkedAt,
      @Schema(nullable = true) String error,
      String body) {}

  /** A replay or discard of an id that is not parked on the queue. */
  public static final class NotParked extends Exception {
    NotParked(String message) {
      super(message);
    }
  }

  /** Queue statistics from a passive declare. */
  public record QueueStats(String name, long depth, int consumers) {}

  /** One page of parked messages and how many are parked in all. */
  public record Page(List<Parked> items, long total) {}

  /** The part of one parking queue a page takes: skip {@code skip} messages, keep {@code take}. */
  record Window(int queue, long skip, int take) {}

  private final Connection connection;

  public ParkedMessages(Connection connection) {
    this.connection = connection;
  }

  /** Depth and consumers of {@code queue}, or null when the broker does not have it. */
  public QueueStats stats(String queue) throws IOException {
    Channel ch = connection.createChannel();
    try {
      AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(queue);
      return new QueueStats(queue, ok.getMessageCount(), ok.getConsumerCount());
    } catch (IOException missing) {
      if (!connection.isOpen()) {
        throw missing;
      }
      return null;
    } finally {
      closeQuietly(ch);
    }
  }

  /** At most {@code max} of the messages parked from {@code queue}, oldest first. */
  public List<Parked> list(String queue, int max) throws IOException {
    return list(queue, 0, max);
  }

  /**
   * One page of the messages parked from {@code queues}: queue by queue in the order given, oldest
   * first within a queue, so the pages of a total taken from the queue depths reach every one. Only
   * the queues the page falls into are read, each up to the page's end: the broker has no offset,
   * so a later page costs reading the messages before it on that queue.
   */
  public Page page(List<String> queues, PageRequest request) throws IOException {
    long[] depths = new long[queues.size()];
    long total = 0;
    for (int i = 0; i < depths.length; i++) {
      QueueStats parked = stats(queues.get(i) + PARKED_SUFFIX);
      depths[i] = parked == null ? 0 : parked.depth();
      total += depths[i];
    }
    List<Parked> items = new ArrayList<>();
    for (Window w : windows(depths, request)) {
      items.addAll(list(queues.get(w.queue()), w.skip(), w.take()));
    }
    return new Page(items, total);
  }

  /**
   * Where page {@code request} lies across queues of the given depths, read one after another: the
   * messages {@code offset .. offset + size - 1} of their concatenation, as per-queue windows.
   */
  static List<Window> windows(long[] depths, PageRequest request) {
    List<Window> windows = new ArrayList<>();
    long skip = request.offset();
    int wanted = request.size();
    for (int i = 0; i < depths.length && wanted > 0; i++) {
      if (skip >= depths[i]) {
        skip -= depths[i];
        continue;
      }
      int take = (int) Math.min(wanted, depths[i] - skip);
      windows.add(new Window(i, skip, take));
      wanted -= take;
      skip = 0;
    }
    return windows;
  }

  /** The messages parked from {@code queue} after the first {@code skip}, at most {@code max}. */
  List<Parked> list(String queue, long skip, int max) throws IOException {
    List<Parked> all = new ArrayList<>();
    Channel ch = connection.createChannel();
    try {
      ch.queueDeclarePassive(queue + PARKED_SUFFIX);
      GetResponse got;
      long skipped = 0;
      while (all.size() < max && (got = ch.basicGet(queue + PARKED_SUFFIX, false)) != null) {
        if (skipped < skip) {
          skipped++;
        } else {
          all.add(describe(queue, got));
        }
      }
    } catch (IOException missing) {
      if (!connection.isOpen()) {
        throw missing;
      }
    } finally {
      // Unacknowledged: everything fetched goes back to the parking queue.
      closeQuietly(ch);
    }
    return all;
  }

  /**
   * Sends every parked copy of message {@code id} back to the queue it was parked from, without its
   * attempt count, and acknowledges the parked copies only after the broker confirmed the publish.
   * The consumer's inbox handles the id once however many copies there were.
   */
  public String replay(String queue, String id) throws IOException, NotParked {
    return take(queue, id, true);
  }

  /** Drops every parked copy of message {@code id}. */
  public void discard(String queue, String id) throws IOException, NotParked {
    take(queue, id, false);
  }

  private String take(String queue, String id, boolean republish) throws IOException, NotParked {
    String parked = queue + PARKED_SUFFIX;
    Channel get = connection.createChannel();
    try {
      List<GetResponse> copies = new ArrayList<>();
      GetResponse got;
      try {
        get.queueDeclarePassive(parked);
      } catch (IOException missing) {
        throw new NotParked("the queue " + parked + " does not exist");
      }
      while ((got = get.basicGet(parked, false)) != null) {
        if (id.equals(got.getProps().getMessageId())) {
          copies.add(got);
        }
      }
      if (copies.isEmpty()) {
        throw new NotParked("no message with id " + id + " is parked on " + parked);
      }
      GetResponse first = copies.get(0);
      String target = originalQueue(queue, first.getProps());
      if (republish) {
        publishConfirmed(target, first);
      }
      for (GetResponse copy : copies) {
        get.basicAck(copy.getEnvelope().getDeliveryTag(), false);
      }
      return target;
    } finally {
      // Every other message fetched on the way is unacknowledged and returns to the queue.
      closeQuietly(get);
    }
  }

  private void publishConfirmed(String target, GetResponse message) throws IOException {
    Channel publish = connection.createChannel();
    try {
      publish.confirmSelect();
      Map<String, Object> headers = new HashMap<>();
      if (message.getProps().getHeaders() != null) {
        headers.putAll(message.getProps().getHeaders());
      }
      // A fresh start: the consumer counts attempts from zero again; parking sets these anew.
      headers.remove(Envelope.HEADER_ATTEMPTS);
      headers.remove(Envelope.HEADER_ERROR);
      headers.remove(Envelope.HEADER_PARKED_AT);
      headers.remove(Envelope.HEADER_ORIGINAL_QUEUE);
      AMQP.BasicProperties props =
          message.getProps().builder().headers(headers).deliveryMode(2).build();
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
        props.getHeaders() == null ? null : props.getHeaders().get(Envelope.HEADER_ORIGINAL_QUEUE);
    return header == null || header.toString().isBlank() ? queue : header.toString();
  }

  static Parked describe(String queue, GetResponse got) {
    AMQP.BasicProperties p = got.getProps();
    Map<String, Object> h = p.getHeaders() == null ? Map.of() : p.getHeaders();
    Object attempts = h.get(Envelope.HEADER_ATTEMPTS);
    String body = new String(got.getBody(), StandardCharsets.UTF_8);
    return new Parked(
        p.getMessageId(),
        p.getType(),
        originalQueue(queue, p),
        attempts instanceof Number n ? n.intValue() : 0,
        text(h.get(Envelope.HEADER_PARKED_AT)),
        text(h.get(Envelope.HEADER_ERROR)),
        body.length() > BODY_EXCERPT ? body.substring(0, BODY_EXCERPT) + "…" : body);
  }

  /** AMQP string headers arrive as {@code LongString}; anything else as its text. */
  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static void closeQuietly(Channel ch) {
    try {
      if (ch.isOpen()) {
        ch.close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      // Closing is how unacked messages return; a channel the broker already closed is fine.
    }
  }
}
