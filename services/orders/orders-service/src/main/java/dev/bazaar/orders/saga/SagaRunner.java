package dev.bazaar.orders.saga;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.CommitStock;
import dev.bazaar.catalog.api.ReleaseStock;
import dev.bazaar.catalog.api.ReserveStock;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.orders.api.OrderCancelled;
import dev.bazaar.orders.api.OrderConfirmed;
import dev.bazaar.orders.api.OrderPlaced;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.domain.Decision;
import dev.bazaar.orders.domain.Order;
import dev.bazaar.orders.domain.OrderEvent;
import dev.bazaar.orders.persistence.EventStore;
import dev.bazaar.orders.persistence.OrderRepository;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentsContract;
import dev.bazaar.payments.api.RefundPayment;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs the order aggregate against the database inside the caller's transaction: load the events,
 * let the order decide, then update the read model and append the events with the expected version,
 * and write the saga commands and the order's public events to the outbox, all in that one
 * transaction. A lost race (another transaction appended first) rolls back to a savepoint, reloads
 * and decides again, a few times.
 */
@ApplicationScoped
public class SagaRunner {

  private static final Logger LOG = Logger.getLogger(SagaRunner.class);

  /** The order after a decision, and the decision. */
  public record Outcome(Order order, Decision decision) {}

  @Inject EventStore events;
  @Inject OrderRepository orders;
  @Inject Messaging messaging;
  @Inject OrdersConfig config;

  /** Stores a newly placed order and starts its saga. */
  public Order place(Connection c, UUID orderId, Decision placement) throws SQLException {
    Order order = Order.replay(orderId, placement.events());
    orders.insert(c, order);
    events.append(c, orderId, 0, placement.events());
    messaging.publish(
        c,
        Topology.EVENTS_EXCHANGE,
        OrdersContract.ORDER_PLACED,
        OrdersContract.ORDER_PLACED_TYPE,
        OrdersContract.ORDER_PLACED_VERSION,
        new OrderPlaced(
            order.id(),
            order.customerId(),
            order.contractLines(),
            order.total(),
            order.createdAt()));
    send(c, placement.commands());
    return order;
  }

  /**
   * Lets the stored order decide and stores what it decided; empty when there is no such order.
   * Exceptions of {@code decide} (an illegal transition) propagate with nothing written.
   *
   * @throws EventStore.ConcurrentChangeException when every attempt lost a race
   */
  public Optional<Outcome> update(Connection c, UUID orderId, Function<Order, Decision> decide)
      throws SQLException {
    int attempts = config.saga().appendAttempts();
    for (int attempt = 1; ; attempt++) {
      Savepoint savepoint = c.setSavepoint();
      List<OrderEvent> stored = events.load(c, orderId);
      if (stored.isEmpty()) {
        c.releaseSavepoint(savepoint);
        return Optional.empty();
      }
      Order order = Order.replay(orderId, stored);
      Decision decision = decide.apply(order);
      if (decision.ignored() != null) {
        LOG.infof("order %s: %s", orderId, decision.ignored());
      }
      if (!decision.changesOrder()) {
        c.releaseSavepoint(savepoint);
        send(c, decision.commands());
        return Optional.of(new Outcome(order, decision));
      }
      Order next = order.with(decision.events());
      try {
        if (!orders.project(c, next, order.version())) {
          throw new EventStore.ConcurrentChangeException(orderId, order.version());
        }
        events.append(c, orderId, order.version(), decision.events());
      } catch (EventStore.ConcurrentChangeException e) {
        c.rollback(savepoint);
        if (attempt >= attempts) {
          throw e;
        }
        LOG.debugf("order %s changed concurrently (attempt %d); deciding again", orderId, attempt);
        continue;
      }
      c.releaseSavepoint(savepoint);
      send(c, decision.commands());
      publishOutcome(c, next, decision.events());
      return Optional.of(new Outcome(next, decision));
    }
  }

  private void publishOutcome(Connection c, Order order, List<OrderEvent> appended)
      throws SQLException {
    for (OrderEvent e : appended) {
      if (e instanceof OrderEvent.Confirmed confirmed) {
        messaging.publish(
            c,
            Topology.EVENTS_EXCHANGE,
            OrdersContract.ORDER_CONFIRMED,
            OrderConfirmed.class.getSimpleName(),
            OrdersContract.OUTCOME_VERSION,
            new OrderConfirmed(order.id(), order.customerId(), order.total(), confirmed.at()));
      } else if (e instanceof OrderEvent.Cancelled cancelled) {
        messaging.publish(
            c,
            Topology.EVENTS_EXCHANGE,
            OrdersContract.ORDER_CANCELLED,
            OrderCancelled.class.getSimpleName(),
            OrdersContract.OUTCOME_VERSION,
            new OrderCancelled(order.id(), order.customerId(), cancelled.reason(), cancelled.at()));
      }
    }
  }

  /** Writes saga commands to the outbox: {@code bazaar.commands}, routing key from the contract. */
  void send(Connection c, List<Object> commands) throws SQLException {
    for (Object command : commands) {
      messaging.publish(
          c,
          Topology.COMMANDS_EXCHANGE,
          routingKey(command),
          command.getClass().getSimpleName(),
          version(command),
          command);
    }
  }

  static String routingKey(Object command) {
    return switch (command) {
      case ReserveStock r -> CatalogContract.RESERVE_STOCK;
      case ReleaseStock r -> CatalogContract.RELEASE_STOCK;
      case CommitStock r -> CatalogContract.COMMIT_STOCK;
      case AuthorizePayment r -> PaymentsContract.AUTHORIZE_PAYMENT;
      case RefundPayment r -> PaymentsContract.REFUND_PAYMENT;
      default -> throw new IllegalArgumentException("not a saga command: " + command);
    };
  }

  static int version(Object command) {
    return command instanceof AuthorizePayment || command instanceof RefundPayment
        ? PaymentsContract.VERSION
        : CatalogContract.VERSION;
  }
}
