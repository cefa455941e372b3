package dev.bazaar.orders.domain;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What happened to an order; the order is the fold of these (stored in {@code order_events}). Each
 * event that starts a wait carries the {@code deadline} by which the next reply is due.
 */
public sealed interface OrderEvent {

  Instant at();

  /** The order was priced and accepted; stock is being reserved. */
  record Placed(
      UUID customerId, List<Line> lines, String paymentToken, Instant at, Instant deadline)
      implements OrderEvent {}

  /**
   * An order placed before the saga existed (status PLACED): accepted without stock or payment,
   * migrated as confirmed with nothing to compensate (V2 migration).
   */
  record Migrated(UUID customerId, List<Line> lines, Instant at) implements OrderEvent {}

  /** Catalog reserved the units; payment is being authorized. */
  record StockReserved(Instant at, Instant deadline) implements OrderEvent {}

  /** Payments authorized the total; the reserved units are being committed. */
  record PaymentAuthorized(UUID paymentId, Instant at, Instant deadline) implements OrderEvent {}

  /** Catalog sold the reserved units. */
  record StockCommitted(Instant at) implements OrderEvent {}

  /**
   * A saga step was answered with its failure reply; {@code detail} is the participant's reason.
   */
  record StepFailed(String step, String detail, Instant at) implements OrderEvent {}

  /** A saga step's deadline passed without a reply. */
  record StepTimedOut(String step, Instant at) implements OrderEvent {}

  /** The customer asked to cancel while the order was pending. */
  record CancelRequested(Instant at) implements OrderEvent {}

  /** Compensations were sent; the order is cancelled with {@code reason} once all are answered. */
  record CompensationStarted(
      String reason, boolean releaseStock, boolean refundPayment, Instant at, Instant deadline)
      implements OrderEvent {}

  /** The compensations still unanswered were sent again because their deadline passed. */
  record CompensationRetried(Instant at, Instant deadline) implements OrderEvent {}

  /** Catalog confirmed the order holds no reserved units any more. */
  record StockReleased(Instant at) implements OrderEvent {}

  /** Payments confirmed the order holds no charge any more. */
  record PaymentRefunded(Instant at) implements OrderEvent {}

  /** The saga completed: stock sold, payment authorized. */
  record Confirmed(Instant at) implements OrderEvent {}

  /** The order ended cancelled; every compensation it needed was acknowledged. */
  record Cancelled(String reason, Instant at) implements OrderEvent {}
}
