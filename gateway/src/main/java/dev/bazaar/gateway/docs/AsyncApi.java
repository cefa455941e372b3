package dev.bazaar.gateway.docs;

import dev.bazaar.gateway.docs.MessageCatalog.Message;
import dev.bazaar.gateway.docs.MessageCatalog.Queue;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The AsyncAPI 3.0 document of Bazaar's messages ({@code GET /api/docs/asyncapi.json}), made from
 * {@link MessageCatalog}: one channel per routing key on its exchange and one per queue (with its
 * parking queue), a send operation per message and a receive operation per queue, and each
 * message's payload as the JSON Schema of its record. Plain Java, so it is tested without a server.
 */
public final class AsyncApi {

  private static final String AMQP_BINDING_VERSION = "0.3.0";

  private AsyncApi() {}

  /** The whole document. */
  public static JsonObject document() {
    JsonObject channels = new JsonObject();
    JsonObject operations = new JsonObject();
    JsonObject messages = new JsonObject();
    for (Message m : MessageCatalog.MESSAGES) {
      messages.put(m.type(), message(m));
      String channel = channelId(m);
      channels.put(
          channel,
          new JsonObject()
              .put("address", m.routingKey())
              .put(
                  "description",
                  m.type() + " on the " + m.exchange() + " topic exchange, sent by " + m.sender())
              .put("messages", new JsonObject().put(m.type(), messageRef(m)))
              .put(
                  "bindings",
                  new JsonObject()
                      .put(
                          "amqp",
                          new JsonObject()
                              .put("is", "routingKey")
                              .put("exchange", exchange(m.exchange()))
                              .put("bindingVersion", AMQP_BINDING_VERSION))));
      operations.put(
          "send" + m.type(),
          new JsonObject()
              .put("action", "send")
              .put("security", brokerUser())
              .put("summary", m.sender() + " sends " + m.type() + ". " + m.summary())
              .put("channel", new JsonObject().put("$ref", "#/channels/" + channel))
              .put(
                  "messages",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("$ref", "#/channels/" + channel + "/messages/" + m.type()))));
    }
    for (Queue q : MessageCatalog.QUEUES) {
      JsonObject received = new JsonObject();
      JsonArray refs = new JsonArray();
      for (Message m : MessageCatalog.MESSAGES) {
        if (q.receives(m.exchange(), m.routingKey())) {
          received.put(m.type(), messageRef(m));
          refs.add(
              new JsonObject().put("$ref", "#/channels/" + q.name() + "/messages/" + m.type()));
        }
      }
      channels.put(
          q.name(),
          new JsonObject()
              .put("address", q.name())
              .put(
                  "description",
                  "Durable queue of "
                      + q.consumer()
                      + ", bound to "
                      + q.exchange()
                      + " with "
                      + String.join(", ", q.bindingKeys())
                      + ". A message that fails "
                      + "too often is moved to "
                      + q.name()
                      + MessageCatalog.PARKED_SUFFIX
                      + " (listed and replayed with bazaar messages).")
              .put("messages", received)
              .put("bindings", new JsonObject().put("amqp", queueBinding(q.name()))));
      channels.put(
          q.name() + MessageCatalog.PARKED_SUFFIX,
          new JsonObject()
              .put("address", q.name() + MessageCatalog.PARKED_SUFFIX)
              .put(
                  "description",
                  "Parking queue of "
                      + q.name()
                      + ": messages its consumer gave up on, with x-bazaar-error,"
                      + " x-bazaar-attempts, x-bazaar-original-queue and x-bazaar-parked-at.")
              .put("messages", received.copy())
              .put(
                  "bindings",
                  new JsonObject()
                      .put("amqp", queueBinding(q.name() + MessageCatalog.PARKED_SUFFIX))));
      operations.put(
          "receive_" + q.name().replace('.', '_'),
          new JsonObject()
              .put("action", "receive")
              .put("security", brokerUser())
              .put(
                  "summary",
                  q.consumer() + " consumes " + q.name() + ", at least once, idempotently.")
              .put("channel", new JsonObject().put("$ref", "#/channels/" + q.name()))
              .put("messages", refs));
    }
    return new JsonObject()
        .put("asyncapi", "3.0.0")
        .put(
            "info",
            new JsonObject()
                .put("title", "Bazaar messages")
                .put("version", "1")
                .put(
                    "description",
                    "Events and saga commands between Bazaar's services over AMQP 0-9-1. Every"
                        + " message is JSON in an envelope: message-id, type (the message name),"
                        + " the x-schema-version header, x-occurred-at, traceparent and"
                        + " x-request-id. Delivery is at least once; consumers deduplicate by"
                        + " message-id. A change that breaks a payload raises its version.")
                .put(
                    "license",
                    new JsonObject()
                        .put("name", "Apache License 2.0")
                        .put("url", "https://www.apache.org/licenses/LICENSE-2.0")))
        .put("defaultContentType", "application/json")
        .put(
            "servers",
            new JsonObject()
                .put(
                    "broker",
                    new JsonObject()
                        .put("host", "127.0.0.1:5673")
                        .put("protocol", "amqp")
                        .put("protocolVersion", "0.9.1")
                        .put("security", brokerUser())
                        .put(
                            "description",
                            "The embedded broker of ./bazaar up; in production the RabbitMQ of"
                                + " BAZAAR_AMQP_URL.")))
        .put("channels", channels)
        .put("operations", operations)
        .put(
            "components",
            new JsonObject()
                .put("messages", messages)
                .put(
                    "securitySchemes",
                    new JsonObject()
                        .put(
                            "brokerUser",
                            new JsonObject()
                                .put("type", "userPassword")
                                .put(
                                    "description",
                                    "One broker user per service (its name is the service's),"
                                        + " allowed exactly what the service publishes and"
                                        + " consumes; the user-id of a message names its"
                                        + " sender."))));
  }

  private static JsonArray brokerUser() {
    return new JsonArray()
        .add(new JsonObject().put("$ref", "#/components/securitySchemes/brokerUser"));
  }

  /** Where a message is published: its routing key on its exchange. */
  static String channelId(Message m) {
    return m.exchange() + "." + m.routingKey();
  }

  private static JsonObject messageRef(Message m) {
    return new JsonObject().put("$ref", "#/components/messages/" + m.type());
  }

  private static JsonObject message(Message m) {
    return new JsonObject()
        .put("name", m.type())
        .put("title", m.type() + " v" + m.version())
        .put("summary", m.summary())
        .put("contentType", "application/json")
        .put(
            "headers",
            new JsonObject()
                .put("type", "object")
                .put("required", new JsonArray().add("x-schema-version").add("x-occurred-at"))
                .put(
                    "properties",
                    new JsonObject()
                        .put(
                            "x-schema-version",
                            new JsonObject().put("type", "integer").put("const", m.version()))
                        .put(
                            "x-occurred-at",
                            new JsonObject().put("type", "string").put("format", "date-time"))
                        .put("traceparent", new JsonObject().put("type", "string"))
                        .put("x-request-id", new JsonObject().put("type", "string"))))
        .put("payload", schema(m.payload()))
        .put("x-bazaar-version", m.version())
        .put("x-bazaar-exchange", m.exchange())
        .put("x-bazaar-routing-key", m.routingKey())
        .put("x-bazaar-sender", m.sender())
        .put("x-bazaar-record", m.payload().getName())
        .put(
            "bindings",
            new JsonObject()
                .put(
                    "amqp",
                    new JsonObject()
                        .put("messageType", m.type())
                        .put("contentEncoding", "utf-8")
                        .put("bindingVersion", AMQP_BINDING_VERSION)));
  }

  private static JsonObject exchange(String name) {
    return new JsonObject()
        .put("name", name)
        .put("type", "topic")
        .put("durable", true)
        .put("autoDelete", false)
        .put("vhost", "/");
  }

  private static JsonObject queueBinding(String name) {
    return new JsonObject()
        .put("is", "queue")
        .put(
            "queue",
            new JsonObject()
                .put("name", name)
                .put("durable", true)
                .put("exclusive", false)
                .put("autoDelete", false)
                .put("vhost", "/"))
        .put("bindingVersion", AMQP_BINDING_VERSION);
  }

  /**
   * The JSON Schema of a record as Jackson writes it: every component a property (nested records
   * inline), none required, since a record component may be null; extra properties allowed, since
   * adding one is how a payload grows without a new version.
   */
  public static JsonObject schema(Class<?> record) {
    JsonObject properties = new JsonObject();
    for (RecordComponent c : record.getRecordComponents()) {
      properties.put(c.getName(), schema(c.getGenericType()));
    }
    return new JsonObject()
        .put("type", "object")
        .put("title", record.getSimpleName())
        .put("properties", properties);
  }

  static JsonObject schema(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      if (List.class.isAssignableFrom(raw)) {
        return new JsonObject()
            .put("type", "array")
            .put("items", schema(p.getActualTypeArguments()[0]));
      }
      throw new IllegalArgumentException("no JSON schema for " + type);
    }
    if (!(type instanceof Class<?> c)) {
      throw new IllegalArgumentException("no JSON schema for " + type);
    }
    if (c == String.class) {
      return new JsonObject().put("type", "string");
    }
    if (c == UUID.class) {
      return new JsonObject().put("type", "string").put("format", "uuid");
    }
    if (c == Instant.class) {
      return new JsonObject().put("type", "string").put("format", "date-time");
    }
    if (c == int.class || c == Integer.class || c == short.class || c == Short.class) {
      return new JsonObject().put("type", "integer").put("format", "int32");
    }
    if (c == long.class || c == Long.class) {
      return new JsonObject().put("type", "integer").put("format", "int64");
    }
    if (c == boolean.class || c == Boolean.class) {
      return new JsonObject().put("type", "boolean");
    }
    if (c == double.class || c == Double.class || c == BigDecimal.class) {
      return new JsonObject().put("type", "number");
    }
    if (c.isEnum()) {
      JsonArray values = new JsonArray();
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      return new JsonObject().put("type", "string").put("enum", values);
    }
    if (c.isRecord()) {
      return schema(c);
    }
    throw new IllegalArgumentException("no JSON schema for " + c.getName());
  }
}
