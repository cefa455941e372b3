package dev.bazaar.orders.saga;

import dev.bazaar.catalog.api.StockCommitted;
import dev.bazaar.catalog.api.StockRejected;
import dev.bazaar.catalog.api.StockReleased;
import dev.bazaar.catalog.api.StockReserved;
import dev.bazaar.chassis.inbox.Handlers;
import dev.bazaar.chassis.inbox.PoisonMessageException;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.domain.Decision;
import dev.bazaar.orders.domain.Order;
import dev.bazaar.orders.domain.SagaTimeouts;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.PaymentRefunded;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Consumes the saga's replies from {@code orders.replies}. The chassis runs {@link #handle} in the
 * transaction that records the message in the inbox, so a redelivered reply is skipped; a reply
 * that does not fit the order's state is logged and acked, never thrown (a throw would only retry
 * and park it).
 */
@ApplicationScoped
public class RepliesConsumer {

  private static final Logger LOG = Logger.getLogger(RepliesConsumer.class);

  @Inject Messaging messaging;
  @Inject SagaRunner runner;
  @Inject OrdersConfig config;
  @Inject Clock clock;

  private volatile Handlers handlers;

  // Runs after the chassis' Messaging start-up (priority 10), which opens the broker connection.
  void subscribe(@Observes StartupEvent event) {
    messaging.subscribe(OrdersContract.REPLIES_QUEUE, handlers());
  }

  /**
   * The saga's replies, each to the order's transition it drives. The queue is bound to exactly
   * these messages' routing keys.
   */
  Handlers handlers() {
    if (handlers == null) {
      SagaTimeouts t = config.saga().timeouts();
      handlers =
          messaging
              .handlers()
              .on(
                  StockReserved.class,
                  (tx, e, r) -> apply(tx, e, r.orderId(), (o, now) -> o.onStockReserved(now, t)))
              .on(
                  StockRejected.class,
                  (tx, e, r) ->
                      apply(tx, e, r.orderId(), (o, now) -> o.onStockRejected(r.reason(), now, t)))
              .on(
                  StockCommitted.class,
                  (tx, e, r) -> apply(tx, e, r.orderId(), (o, now) -> o.onStockCommitted(now)))
              .on(
                  StockReleased.class,
                  (tx, e, r) -> apply(tx, e, r.orderId(), (o, now) -> o.onStockReleased(now)))
              .on(
                  PaymentAuthorized.class,
                  (tx, e, r) ->
                      apply(
                          tx,
                          e,
                          r.orderId(),
                          (o, now) -> {
                            requireAmount(o, r);
                            return o.onPaymentAuthorized(r.paymentId(), now, t);
                          }))
              .on(
                  PaymentDeclined.class,
                  (tx, e, r) ->
                      apply(
                          tx, e, r.orderId(), (o, now) -> o.onPaymentDeclined(r.reason(), now, t)))
              .on(
                  PaymentRefunded.class,
                  (tx, e, r) -> apply(tx, e, r.orderId(), (o, now) -> o.onPaymentRefunded(now)))
              .build();
    }
    return handlers;
  }

  /** Applies one reply to its order; public so tests can drive the saga without the broker. */
  public void handle(Connection tx, Envelope envelope) throws Exception {
    handlers().handle(tx, envelope);
  }

  /**
   * A payment authorized for another amount or currency than the order's total is not this order's
   * payment: it is parked (and explained there), never allowed to confirm the order.
   */
  public static void requireAmount(Order order, PaymentAuthorized reply) {
    if (!order.total().equals(reply.amount())) {
      throw new PoisonMessageException(
          "PaymentAuthorized for order "
              + order.id()
              + " is for "
              + reply.amount()
              + ", but the order's total is "
              + order.total());
    }
  }

  /** A transition of the order at the time the reply is handled. */
  @FunctionalInterface
  interface Transition {
    Decision decide(Order order, Instant now);
  }

  private void apply(Connection tx, Envelope envelope, UUID orderId, Transition transition)
      throws SQLException {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Function<Order, Decision> decide = o -> transition.decide(o, now);
    if (orderId == null) {
      LOG.warnf("ignoring %s %s: it names no order", envelope.type(), envelope.id());
      return;
    }
    if (runner.update(tx, orderId, decide).isEmpty()) {
      LOG.warnf("ignoring %s %s: no order %s", envelope.type(), envelope.id(), orderId);
    }
  }
}
