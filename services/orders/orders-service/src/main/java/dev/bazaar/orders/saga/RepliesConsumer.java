package dev.bazaar.orders.saga;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.StockCommitted;
import dev.bazaar.catalog.api.StockRejected;
import dev.bazaar.catalog.api.StockReleased;
import dev.bazaar.catalog.api.StockReserved;
import dev.bazaar.chassis.inbox.InboxConsumer;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.domain.Decision;
import dev.bazaar.orders.domain.Order;
import dev.bazaar.orders.domain.SagaTimeouts;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.PaymentRefunded;
import dev.bazaar.payments.api.PaymentsContract;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
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

  /** The reply routing keys bound to {@code orders.replies} on {@code bazaar.events}. */
  public static final List<String> REPLIES =
      List.of(
          CatalogContract.STOCK_RESERVED,
          CatalogContract.STOCK_REJECTED,
          CatalogContract.STOCK_RELEASED,
          CatalogContract.STOCK_COMMITTED,
          PaymentsContract.PAYMENT_AUTHORIZED,
          PaymentsContract.PAYMENT_DECLINED,
          PaymentsContract.PAYMENT_REFUNDED);

  @Inject Messaging messaging;
  @Inject SagaRunner runner;
  @Inject OrdersConfig config;
  @Inject Clock clock;

  // Runs after the chassis' Messaging start-up (priority 10), which opens the broker connection.
  void subscribe(@Observes StartupEvent event) {
    messaging.subscribe(
        OrdersContract.REPLIES_QUEUE,
        REPLIES.stream()
            .map(key -> new InboxConsumer.Binding(Topology.EVENTS_EXCHANGE, key))
            .toList(),
        this::handle);
  }

  /** Applies one reply to its order; public so tests can drive the saga without the broker. */
  public void handle(Connection tx, Envelope envelope) throws SQLException {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    SagaTimeouts t = config.saga().timeouts();
    switch (envelope.type()) {
      case "StockReserved" -> {
        StockReserved r = messaging.read(envelope, StockReserved.class);
        apply(tx, envelope, r.orderId(), o -> o.onStockReserved(now, t));
      }
      case "StockRejected" -> {
        StockRejected r = messaging.read(envelope, StockRejected.class);
        apply(tx, envelope, r.orderId(), o -> o.onStockRejected(r.reason(), now, t));
      }
      case "StockCommitted" -> {
        StockCommitted r = messaging.read(envelope, StockCommitted.class);
        apply(tx, envelope, r.orderId(), o -> o.onStockCommitted(now));
      }
      case "StockReleased" -> {
        StockReleased r = messaging.read(envelope, StockReleased.class);
        apply(tx, envelope, r.orderId(), o -> o.onStockReleased(now));
      }
      case "PaymentAuthorized" -> {
        PaymentAuthorized r = messaging.read(envelope, PaymentAuthorized.class);
        apply(tx, envelope, r.orderId(), o -> o.onPaymentAuthorized(r.paymentId(), now, t));
      }
      case "PaymentDeclined" -> {
        PaymentDeclined r = messaging.read(envelope, PaymentDeclined.class);
        apply(tx, envelope, r.orderId(), o -> o.onPaymentDeclined(r.reason(), now, t));
      }
      case "PaymentRefunded" -> {
        PaymentRefunded r = messaging.read(envelope, PaymentRefunded.class);
        apply(tx, envelope, r.orderId(), o -> o.onPaymentRefunded(now));
      }
      default ->
          LOG.infof(
              "ignoring %s %s: not a reply of the order saga", envelope.type(), envelope.id());
    }
  }

  private void apply(
      Connection tx, Envelope envelope, UUID orderId, Function<Order, Decision> decide)
      throws SQLException {
    if (orderId == null) {
      LOG.warnf("ignoring %s %s: it names no order", envelope.type(), envelope.id());
      return;
    }
    if (runner.update(tx, orderId, decide).isEmpty()) {
      LOG.warnf("ignoring %s %s: no order %s", envelope.type(), envelope.id(), orderId);
    }
  }
}
