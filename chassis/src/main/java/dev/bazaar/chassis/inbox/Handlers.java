package dev.bazaar.chassis.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.contract.MessageDescriptor;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A consumer's handlers, registered by contract record class: the message type, version, routing
 * key and rightful sender come from the record's {@code @MessageContract}, so there is no switch on
 * type names and the queue's bindings follow from what is registered. Before a handler runs, the
 * message is checked: a newer schema version than this service knows, or (with sender checks on) a
 * sender other than the one the contract names, is poison and parked, never handled.
 */
public final class Handlers implements MessageHandler {

  private static final Logger LOG = Logger.getLogger(Handlers.class);

  /** Handles one message of type {@code T} in the inbox transaction. */
  @FunctionalInterface
  public interface Handler<T> {
    void handle(Connection tx, Envelope envelope, T message) throws Exception;
  }

  private record Entry<T>(
      MessageDescriptor descriptor, Class<T> type, Handler<? super T> handler) {}

  private final Map<String, Entry<?>> byType;
  private final ObjectMapper json;
  private final boolean verifySender;

  private Handlers(Map<String, Entry<?>> byType, ObjectMapper json, boolean verifySender) {
    this.byType = Map.copyOf(byType);
    this.json = json;
    this.verifySender = verifySender;
  }

  public static Builder builder(ObjectMapper json, boolean verifySender) {
    return new Builder(json, verifySender);
  }

  /** Collects handlers; one per message type. */
  public static final class Builder {
    private final Map<String, Entry<?>> byType = new LinkedHashMap<>();
    private final ObjectMapper json;
    private final boolean verifySender;

    private Builder(ObjectMapper json, boolean verifySender) {
      this.json = json;
      this.verifySender = verifySender;
    }

    public <T> Builder on(Class<T> type, Handler<? super T> handler) {
      MessageDescriptor d = MessageDescriptor.of(type);
      if (byType.putIfAbsent(d.type(), new Entry<>(d, type, handler)) != null) {
        throw new IllegalArgumentException("a handler for " + d.type() + " is registered already");
      }
      return this;
    }

    public Handlers build() {
      if (byType.isEmpty()) {
        throw new IllegalStateException("a consumer needs at least one handler");
      }
      return new Handlers(byType, json, verifySender);
    }
  }

  /** The bindings that bring every registered message type to the queue. */
  public List<InboxConsumer.Binding> bindings() {
    return byType.values().stream()
        .map(e -> new InboxConsumer.Binding(e.descriptor().exchange(), e.descriptor().routingKey()))
        .distinct()
        .toList();
  }

  @Override
  public void handle(Connection tx, Envelope envelope) throws Exception {
    Entry<?> entry = byType.get(envelope.type());
    if (entry == null) {
      LOG.infof("ignoring %s %s: no handler for it here", envelope.type(), envelope.id());
      return;
    }
    dispatch(tx, envelope, entry);
  }

  private <T> void dispatch(Connection tx, Envelope envelope, Entry<T> entry) throws Exception {
    MessageDescriptor d = entry.descriptor();
    if (envelope.version() > d.version()) {
      throw new PoisonMessageException(
          d.type()
              + " has schema version "
              + envelope.version()
              + ", newer than the "
              + d.version()
              + " this service reads");
    }
    if (verifySender && !d.sender().equals(envelope.userId())) {
      throw new PoisonMessageException(
          d.type()
              + " was sent by broker user '"
              + envelope.userId()
              + "', but only '"
              + d.sender()
              + "' may send it");
    }
    T message;
    try {
      message = json.readValue(envelope.payload(), entry.type());
    } catch (JsonProcessingException e) {
      throw new PoisonMessageException(
          "payload of " + d.type() + " is not a valid " + entry.type().getSimpleName());
    }
    entry.handler().handle(tx, envelope, message);
  }
}
