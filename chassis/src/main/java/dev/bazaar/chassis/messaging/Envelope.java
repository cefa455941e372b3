package dev.bazaar.chassis.messaging;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What travels on the broker: a message id (the inbox key), the type and schema version of the
 * payload, when it happened, the trace context of the request that caused it, a JSON body, and on
 * receipt the broker user that published it ({@code userId}: the AMQP {@code user-id} property,
 * which RabbitMQ checks against the publishing connection's user).
 */
public record Envelope(
    UUID id,
    String type,
    int version,
    Instant occurredAt,
    String traceparent,
    String requestId,
    String payload,
    String userId) {

  /** An envelope to publish: who publishes it is set by the relay's connection. */
  public Envelope(
      UUID id,
      String type,
      int version,
      Instant occurredAt,
      String traceparent,
      String requestId,
      String payload) {
    this(id, type, version, occurredAt, traceparent, requestId, payload, null);
  }

  public static final String HEADER_VERSION = "x-schema-version";
  public static final String HEADER_TRACEPARENT = "traceparent";
  public static final String HEADER_REQUEST_ID = "x-request-id";
  public static final String HEADER_OCCURRED_AT = "x-occurred-at";
  public static final String HEADER_ATTEMPTS = "x-bazaar-attempts";
  public static final String HEADER_ERROR = "x-bazaar-error";
  public static final String HEADER_ORIGINAL_QUEUE = "x-bazaar-original-queue";

  /**
   * The broker user that first published a message a consumer re-sends to its own queue (a delayed
   * retry, a parked message) or the tools replay: the re-send carries the re-sender's user-id.
   */
  public static final String HEADER_ORIGINAL_USER_ID = "x-bazaar-sender";

  /**
   * The body of a re-sent message that is not JSON (a poison message being parked): the outbox
   * keeps payloads as jsonb, so such a body travels in this header and the relay sends it as the
   * body again.
   */
  public static final String HEADER_RAW_BODY = "x-bazaar-raw-body";

  /** When a consumer moved the message to its parking queue (ISO-8601 instant). */
  public static final String HEADER_PARKED_AT = "x-bazaar-parked-at";

  public Envelope {
    if (id == null || type == null || type.isBlank() || occurredAt == null || payload == null) {
      throw new IllegalArgumentException("an envelope needs an id, a type, a time and a payload");
    }
  }

  public static Envelope create(
      String type,
      int version,
      Instant occurredAt,
      String traceparent,
      String requestId,
      String payload) {
    return new Envelope(
        UUID.randomUUID(), type, version, occurredAt, traceparent, requestId, payload);
  }

  public AMQP.BasicProperties toProperties(Map<String, Object> extraHeaders) {
    return toProperties(extraHeaders, null);
  }

  /** The properties to publish with, {@code user-id} set to the publishing broker user. */
  public AMQP.BasicProperties toProperties(Map<String, Object> extraHeaders, String publisher) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(HEADER_VERSION, version);
    headers.put(HEADER_OCCURRED_AT, occurredAt.toString());
    if (traceparent != null) {
      headers.put(HEADER_TRACEPARENT, traceparent);
    }
    if (requestId != null) {
      headers.put(HEADER_REQUEST_ID, requestId);
    }
    headers.putAll(extraHeaders);
    return new AMQP.BasicProperties.Builder()
        .messageId(id.toString())
        .type(type)
        .contentType("application/json")
        .contentEncoding("utf-8")
        .deliveryMode(2)
        .timestamp(Date.from(occurredAt))
        .headers(headers)
        .userId(publisher)
        .build();
  }

  public byte[] body() {
    return payload.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads an envelope from a delivery.
   *
   * @throws IllegalArgumentException when the message lacks an id or a type: it can never be
   *     handled and is parked at once
   */
  public static Envelope from(AMQP.BasicProperties props, byte[] body) {
    if (props == null || props.getMessageId() == null || props.getType() == null) {
      throw new IllegalArgumentException("message has no message-id or type property");
    }
    UUID id;
    try {
      id = UUID.fromString(props.getMessageId());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("message-id is not a UUID: " + props.getMessageId());
    }
    Map<String, Object> h = props.getHeaders() == null ? Map.of() : props.getHeaders();
    int version = h.get(HEADER_VERSION) instanceof Number n ? n.intValue() : 1;
    Instant occurredAt =
        h.get(HEADER_OCCURRED_AT) != null
            ? Instant.parse(h.get(HEADER_OCCURRED_AT).toString())
            : props.getTimestamp() != null ? props.getTimestamp().toInstant() : Instant.now();
    return new Envelope(
        id,
        props.getType(),
        version,
        occurredAt,
        str(h.get(HEADER_TRACEPARENT)),
        str(h.get(HEADER_REQUEST_ID)),
        new String(body, StandardCharsets.UTF_8),
        props.getUserId());
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }
}
