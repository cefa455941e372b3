package dev.bazaar.chassis.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.chassis.config.ChassisConfig;
import dev.bazaar.chassis.inbox.Handlers;
import dev.bazaar.chassis.inbox.InboxConsumer;
import dev.bazaar.chassis.inbox.MessageHandler;
import dev.bazaar.chassis.outbox.Outbox;
import dev.bazaar.chassis.outbox.OutboxRelay;
import dev.bazaar.chassis.tracing.MessageTracing;
import dev.bazaar.chassis.web.Correlation;
import dev.bazaar.contract.MessageDescriptor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Quarkus wiring of the plain messaging core: one broker connection, the outbox relay and the inbox
 * consumers of this service, started with the application and stopped before it exits.
 */
@ApplicationScoped
public class Messaging {

  @Inject ChassisConfig.Amqp amqpConfig;
  @Inject ChassisConfig.Outbox outboxConfig;
  @Inject ChassisConfig.Inbox inboxConfig;
  @Inject DataSource dataSource;
  @Inject ObjectMapper json;

  @ConfigProperty(name = "quarkus.application.name", defaultValue = "bazaar")
  String applicationName;

  // Tracing (docs/tracing.md): the messaging core traces with this SDK unless it is disabled.
  @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "true")
  boolean tracingOff;

  @Inject jakarta.enterprise.inject.Instance<io.opentelemetry.api.OpenTelemetry> openTelemetry;

  private AmqpConnector connector;
  private OutboxRelay relay;
  private final List<InboxConsumer> consumers = new CopyOnWriteArrayList<>();
  private final Clock clock = Clock.systemUTC();

  void onStart(@Observes @Priority(10) StartupEvent event) {
    // Fail at start-up, not at the first purge, when the inbox would forget keys too early.
    dev.bazaar.chassis.outbox.Retention.checkedInboxRetention(inboxConfig.retention());
    MessageTracing.use(tracingOff ? null : openTelemetry.get());
    connector = new AmqpConnector(amqpConfig.url(), applicationName);
    relay =
        new OutboxRelay(
            dataSource,
            connector,
            clock,
            new OutboxRelay.Settings(
                outboxConfig.batchSize(),
                outboxConfig.pollInterval(),
                outboxConfig.lease(),
                java.time.Duration.ofMillis(500),
                java.time.Duration.ofSeconds(30),
                outboxConfig.maxInFlight(),
                outboxConfig.idlePollMax()));
    connector.start();
    relay.start();
  }

  void onStop(@Observes ShutdownEvent event) {
    consumers.forEach(InboxConsumer::stop);
    if (relay != null) {
      relay.close();
    }
    if (connector != null) {
      connector.close();
    }
  }

  /** Handlers to register by contract record class, then pass to {@link #subscribe}. */
  public Handlers.Builder handlers() {
    return Handlers.builder(json, inboxConfig.verifySender());
  }

  /**
   * Consumes {@code queue} idempotently with typed handlers; the queue is bound to the routing key
   * of every registered message type.
   */
  public InboxConsumer subscribe(String queue, Handlers handlers) {
    return subscribe(queue, handlers.bindings(), handlers);
  }

  /**
   * Consumes {@code queue} idempotently: the handler runs in the transaction that records the
   * message in the inbox, and the message is acked only after it commits.
   */
  public InboxConsumer subscribe(
      String queue, List<InboxConsumer.Binding> bindings, MessageHandler handler) {
    InboxConsumer consumer =
        new InboxConsumer(
            dataSource,
            connector,
            queue,
            applicationName + ":" + queue,
            bindings,
            handler,
            new InboxConsumer.Settings(
                inboxConfig.maxAttempts(), inboxConfig.prefetch(), inboxConfig.retryDelay()));
    consumer.afterCommit(this::flush);
    consumer.retryScheduled(due -> relay.wakeAt(due));
    consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  /**
   * Writes a contract message to the outbox in the caller's transaction: its type, version,
   * exchange and routing key come from its {@code @MessageContract}. A service may only publish
   * what its contract names it the sender of.
   */
  public Envelope publish(Connection tx, Object message) throws SQLException {
    MessageDescriptor d = MessageDescriptor.of(message.getClass());
    if (!d.sender().equals(applicationName)) {
      throw new IllegalArgumentException(
          applicationName + " may not publish " + d.type() + ": its sender is " + d.sender());
    }
    return publish(tx, d.exchange(), d.routingKey(), d.type(), d.version(), message);
  }

  /**
   * Writes a message to the outbox in the caller's transaction, carrying the current request's
   * trace context. The relay publishes it once the transaction has committed. Prefer {@link
   * #publish(Connection, Object)} for contract records.
   */
  public Envelope publish(
      Connection tx, String exchange, String routingKey, String type, int version, Object payload)
      throws SQLException {
    String body;
    try {
      body = json.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + type, e);
    }
    Envelope envelope =
        Envelope.create(
            type,
            version,
            clock.instant(),
            Correlation.currentTraceparent(),
            Correlation.currentRequestId(),
            body);
    // Tracing hook: the row keeps the current tracestate beside its traceparent.
    Outbox.append(tx, exchange, routingKey, envelope, MessageTracing.outboxHeaders(), null);
    return envelope;
  }

  /** Asks the relay to publish now; call after the transaction that wrote to the outbox. */
  public void flush() {
    if (relay != null) {
      relay.wake();
    }
  }

  /** Reads a payload as a contract record. */
  public <T> T read(Envelope envelope, Class<T> type) {
    try {
      return json.readValue(envelope.payload(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "payload of " + envelope.type() + " is not a valid " + type.getSimpleName(), e);
    }
  }

  public boolean brokerConnected() {
    return connector != null && connector.isOpen();
  }

  public boolean consumersSubscribed() {
    return consumers.stream().allMatch(InboxConsumer::isSubscribed);
  }
}
