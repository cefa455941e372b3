package dev.bazaar.orders.saga;

import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.orders.api.OrderCancelled;
import dev.bazaar.orders.api.OrderConfirmed;
import dev.bazaar.orders.api.OrderPlaced;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.domain.Decision;
import dev.bazaar.orders.domain.Order;
import dev.bazaar.orders.domain.OrderEvent;
import dev.bazaar.orders.persistence.EventStore;
import dev.bazaar.orders.persistence.OrderRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs the order aggregate against the database inside the caller's transaction: lock the order's
 * row and read its snapshot, let the order decide, then update the row (read model and snapshot),
 * append the events with the expected version, and write the saga commands and the order's public
 * events to the outbox, all in that one transaction.
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
  @Inject DeadlinePoller deadlines;

  /** Stores a newly placed order and starts its saga. */
  public Order place(Connection c, UUID orderId, Decision placement) throws SQLException {
    Order order = Order.replay(orderId, placement.events());
    orders.insert(c, order);
    events.append(c, orderId, 0, placement.events());
    messaging.publish(
        c,
        new OrderPlaced(
            order.id(),
            order.customerId(),
            order.contractLines(),
            order.total(),
            order.createdAt()));
    send(c, placement.commands());
    deadlines.deadlineAt(order.deadline());
    return order;
  }

  /**
   * Lets the stored order decide and stores what it decided; empty when there is no such order. The
   * order's row is locked first ({@link OrderRepository#lock}), so concurrent writers of one order
   * take turns instead of racing: no retry loop and no savepoints on this path. Exceptions of
   * {@code decide} (an illegal transition) propagate with nothing written.
   */
  public Optional<Outcome> update(Connection c, UUID orderId, Function<Order, Decision> decide)
      throws SQLException {
    Optional<Order> locked = orders.lock(c, orderId, events);
    if (locked.isEmpty()) {
      return Optional.empty();
    }
    Order order = locked.get();
    Decision decision = decide.apply(order);
    if (decision.ignored() != null) {
      LOG.infof("order %s: %s", orderId, decision.ignored());
    }
    if (!decision.changesOrder()) {
      send(c, decision.commands());
      return Optional.of(new Outcome(order, decision));
    }
    Order next = order.with(decision.events());
    if (!orders.project(c, next, order.version())) {
      throw new EventStore.ConcurrentChangeException(orderId, order.version());
    }
    events.append(c, orderId, order.version(), decision.events());
    send(c, decision.commands());
    deadlines.deadlineAt(next.deadline());
    publishOutcome(c, next, decision.events());
    return Optional.of(new Outcome(next, decision));
  }

  private void publishOutcome(Connection c, Order order, List<OrderEvent> appended)
      throws SQLException {
    for (OrderEvent e : appended) {
      if (e instanceof OrderEvent.Confirmed confirmed) {
        messaging.publish(
            c, new OrderConfirmed(order.id(), order.customerId(), order.total(), confirmed.at()));
      } else if (e instanceof OrderEvent.Cancelled cancelled) {
        messaging.publish(
            c,
            new OrderCancelled(order.id(), order.customerId(), cancelled.reason(), cancelled.at()));
      }
    }
  }

  /** Writes saga commands to the outbox; each record's contract names its routing key. */
  void send(Connection c, List<Object> commands) throws SQLException {
    for (Object command : commands) {
      messaging.publish(c, command);
    }
  }
}
