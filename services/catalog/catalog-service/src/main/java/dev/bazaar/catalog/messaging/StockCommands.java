package dev.bazaar.catalog.messaging;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.CommitStock;
import dev.bazaar.catalog.api.ReleaseStock;
import dev.bazaar.catalog.api.ReserveStock;
import dev.bazaar.catalog.api.StockCommitted;
import dev.bazaar.catalog.api.StockLine;
import dev.bazaar.catalog.api.StockRejected;
import dev.bazaar.catalog.api.StockReleased;
import dev.bazaar.catalog.api.StockReserved;
import dev.bazaar.catalog.config.CatalogConfig;
import dev.bazaar.catalog.domain.Reservation;
import dev.bazaar.catalog.domain.ReservationState;
import dev.bazaar.catalog.domain.StockDemand;
import dev.bazaar.catalog.persistence.ProductRepository;
import dev.bazaar.catalog.persistence.ReservationRepository;
import dev.bazaar.chassis.inbox.Handlers;
import dev.bazaar.chassis.messaging.Envelope;
import dev.bazaar.chassis.messaging.Messaging;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The catalog's part of the order saga: ReserveStock, ReleaseStock and CommitStock, each handled in
 * the transaction that records the message in the inbox, its reply written to the outbox in the
 * same transaction. Every command is answered from the order's recorded reservation, so a repeated
 * command (a redelivery, or a new message for the same order) changes nothing and gets the same
 * kind of answer.
 *
 * <p>Commands about one order are serialised by an advisory lock on the order id; product rows are
 * locked in id order. A malformed command (no order id, no lines, a quantity below 1) throws, so
 * the consumer retries and then parks it: it can never be answered correctly.
 */
@ApplicationScoped
public class StockCommands {

  private static final Logger LOG = Logger.getLogger(StockCommands.class);

  @Inject Messaging messaging;
  @Inject ProductRepository products;
  @Inject ReservationRepository reservations;
  @Inject CatalogConfig config;
  @Inject Clock clock;

  private volatile Handlers handlers;

  /** The commands catalog takes, each with its handler; the queue binds each routing key. */
  public Handlers handlers() {
    if (handlers == null) {
      handlers =
          messaging
              .handlers()
              .on(ReserveStock.class, (tx, e, command) -> reserve(tx, command))
              .on(ReleaseStock.class, (tx, e, command) -> release(tx, command))
              .on(CommitStock.class, (tx, e, command) -> commit(tx, command))
              .build();
    }
    return handlers;
  }

  /** Handles one command in the caller's (the inbox's) transaction. */
  public void handle(Connection tx, Envelope envelope) throws Exception {
    handlers().handle(tx, envelope);
  }

  void reserve(Connection tx, ReserveStock command) throws SQLException {
    UUID orderId = require(command.orderId());
    StockDemand demand = demand(command.items());
    reservations.lockOrder(tx, orderId);
    Optional<Reservation> existing = reservations.findForUpdate(tx, orderId);
    if (existing.isPresent()) {
      Reservation r = existing.get();
      LOG.debugf("ReserveStock for order %s again; it is %s", orderId, r.state());
      switch (r.state()) {
        case RESERVED, COMMITTED -> reply(tx, new StockReserved(orderId));
        case REJECTED ->
            reply(tx, new StockRejected(orderId, r.rejectReason(), r.rejectProductIds()));
        case RELEASED, EXPIRED ->
            reply(
                tx,
                new StockRejected(
                    orderId, CatalogContract.REASON_RESERVATION_EXPIRED, r.productIds()));
      }
      return;
    }
    Instant now = clock.instant();
    Map<UUID, Integer> available = products.lockStock(tx, demand.productIds());
    StockDemand.Shortfall shortfall = demand.shortfall(available);
    if (!shortfall.none()) {
      String reason =
          shortfall.unknown().isEmpty()
              ? CatalogContract.REASON_OUT_OF_STOCK
              : CatalogContract.REASON_UNKNOWN_PRODUCT;
      List<UUID> ids = shortfall.unknown().isEmpty() ? shortfall.outOfStock() : shortfall.unknown();
      reservations.insert(
          tx,
          new Reservation(orderId, ReservationState.REJECTED, null, List.of(), reason, ids),
          now);
      reply(tx, new StockRejected(orderId, reason, ids));
      return;
    }
    takeAll(tx, demand);
    reservations.insert(
        tx,
        new Reservation(
            orderId,
            ReservationState.RESERVED,
            now.plus(config.reservationTtl()),
            demand.lines(),
            null,
            List.of()),
        now);
    reply(tx, new StockReserved(orderId));
  }

  void release(Connection tx, ReleaseStock command) throws SQLException {
    UUID orderId = require(command.orderId());
    reservations.lockOrder(tx, orderId);
    Instant now = clock.instant();
    Optional<Reservation> existing = reservations.findForUpdate(tx, orderId);
    if (existing.isEmpty()) {
      // The saga gave up before this service saw its ReserveStock: the tombstone makes that late
      // ReserveStock take nothing.
      reservations.insert(
          tx,
          new Reservation(orderId, ReservationState.RELEASED, null, List.of(), null, List.of()),
          now);
    } else if (existing.get().state() == ReservationState.RESERVED
        || existing.get().state() == ReservationState.COMMITTED) {
      // ReleaseStock is the saga's compensation: the order will not be fulfilled. That holds for
      // COMMITTED too: when the saga's commit deadline passed before our StockCommitted reached
      // it (orders paused or down), it cancels and refunds the order, and units kept sold here
      // would be lost to every other customer (found by the chaos run, seed 1).
      Reservation r = existing.get();
      products.lockStock(tx, r.productIds());
      for (StockDemand.Line line : r.lines()) {
        products.giveBack(tx, line.productId(), line.quantity());
      }
      reservations.setState(tx, orderId, ReservationState.RELEASED, now);
    }
    // RELEASED, EXPIRED and REJECTED hold nothing.
    reply(tx, new StockReleased(orderId));
  }

  void commit(Connection tx, CommitStock command) throws SQLException {
    UUID orderId = require(command.orderId());
    reservations.lockOrder(tx, orderId);
    Optional<Reservation> existing = reservations.findForUpdate(tx, orderId);
    if (existing.isEmpty()) {
      reply(tx, new StockRejected(orderId, CatalogContract.REASON_RESERVATION_EXPIRED, List.of()));
      return;
    }
    Reservation r = existing.get();
    switch (r.state()) {
      case RESERVED -> {
        reservations.setState(tx, orderId, ReservationState.COMMITTED, clock.instant());
        reply(tx, new StockCommitted(orderId));
      }
      case COMMITTED -> reply(tx, new StockCommitted(orderId));
      case EXPIRED -> commitAgain(tx, r);
      case RELEASED ->
          // Released by the saga's compensation: the order is cancelled, so a CommitStock that
          // overtook or outlived the ReleaseStock must not sell the units again.
          reply(
              tx,
              new StockRejected(
                  orderId, CatalogContract.REASON_RESERVATION_EXPIRED, r.productIds()));
      case REJECTED ->
          reply(
              tx,
              new StockRejected(orderId, CatalogContract.REASON_RESERVATION_EXPIRED, List.of()));
    }
  }

  /** The sweeper gave the units back; take them again if they are all still there. */
  private void commitAgain(Connection tx, Reservation r) throws SQLException {
    StockDemand demand = r.demand();
    if (demand == null) {
      // A tombstone: nothing was ever reserved for this order.
      reply(
          tx,
          new StockRejected(r.orderId(), CatalogContract.REASON_RESERVATION_EXPIRED, List.of()));
      return;
    }
    StockDemand.Shortfall shortfall = demand.shortfall(products.lockStock(tx, demand.productIds()));
    if (!shortfall.none()) {
      reply(
          tx,
          new StockRejected(
              r.orderId(), CatalogContract.REASON_RESERVATION_EXPIRED, shortfall.outOfStock()));
      return;
    }
    takeAll(tx, demand);
    reservations.setState(tx, r.orderId(), ReservationState.COMMITTED, clock.instant());
    reply(tx, new StockCommitted(r.orderId()));
  }

  /** Takes every line; the rows are locked and were checked, so a miss is a bug, not a race. */
  private void takeAll(Connection tx, StockDemand demand) throws SQLException {
    for (StockDemand.Line line : demand.lines()) {
      if (!products.take(tx, line.productId(), line.quantity())) {
        throw new IllegalStateException(
            "stock of " + line.productId() + " changed under a row lock");
      }
    }
  }

  private void reply(Connection tx, Object payload) throws SQLException {
    messaging.publish(tx, payload);
  }

  private static UUID require(UUID orderId) {
    if (orderId == null) {
      throw new IllegalArgumentException("command has no orderId");
    }
    return orderId;
  }

  private static StockDemand demand(List<StockLine> items) {
    if (items == null || items.isEmpty()) {
      throw new IllegalArgumentException("ReserveStock has no items");
    }
    return StockDemand.of(
        items.stream()
            .map(
                i -> {
                  if (i == null || i.productId() == null) {
                    throw new IllegalArgumentException("a ReserveStock line has no productId");
                  }
                  return new StockDemand.Line(i.productId(), i.quantity());
                })
            .toList());
  }
}
