package dev.bazaar.orders.domain;

import static dev.bazaar.orders.domain.OrderSaga.Step.AUTHORIZE_PAYMENT;
import static dev.bazaar.orders.domain.OrderSaga.Step.COMMIT_STOCK;
import static dev.bazaar.orders.domain.OrderSaga.Step.RESERVE_STOCK;

import dev.bazaar.catalog.api.CatalogContract;
import dev.bazaar.catalog.api.CommitStock;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.catalog.api.ReleaseStock;
import dev.bazaar.catalog.api.ReserveStock;
import dev.bazaar.catalog.api.StockLine;
import dev.bazaar.orders.api.OrderLine;
import dev.bazaar.orders.api.OrdersContract;
import dev.bazaar.orders.api.SagaStep;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.RefundPayment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A customer's order, event-sourced: the fold of its {@link OrderEvent}s. Command and reply methods
 * never change the order; they validate the transition against the saga ({@link OrderSaga}) and
 * return a {@link Decision} with the events to append and the commands to send. A command the order
 * cannot accept throws {@link IllegalTransitionException} naming its state; a reply that does not
 * fit (late or duplicate) is answered with an ignoring decision, because throwing would only make
 * the broker retry and park it.
 */
public final class Order {

  public static final int MAX_LINES = 50;

  /** What clients see. */
  public enum Status {
    PENDING,
    CONFIRMED,
    CANCELLED
  }

  /** Where the saga is: waiting for a step's reply, compensating, or done. */
  public enum Phase {
    RESERVING(Status.PENDING),
    AUTHORIZING(Status.PENDING),
    COMMITTING(Status.PENDING),
    COMPENSATING(Status.PENDING),
    CONFIRMED(Status.CONFIRMED),
    CANCELLED(Status.CANCELLED);

    public final Status status;

    Phase(Status status) {
      this.status = status;
    }
  }

  /**
   * Everything the order knows, as of {@code version} events: stored beside the events so that a
   * reply reads one row instead of replaying the stream. The events stay the source of truth; the
   * snapshot is their fold.
   */
  public record Snapshot(
      int version,
      UUID customerId,
      List<Line> lines,
      String paymentToken,
      Instant createdAt,
      Phase phase,
      String reason,
      boolean releasePending,
      boolean refundPending,
      Instant deadline,
      List<SagaStep> history) {}

  private final UUID id;
  private int version;
  private UUID customerId;
  private List<Line> lines;
  private Money total;
  private String paymentToken;
  private Instant createdAt;
  private Phase phase;
  private String reason;
  private boolean releasePending;
  private boolean refundPending;
  private Instant deadline;
  private final List<SagaStep> history = new ArrayList<>();

  private Order(UUID id) {
    if (id == null) {
      throw new IllegalArgumentException("an order needs an id");
    }
    this.id = id;
  }

  /** The order as its events left it. */
  public static Order replay(UUID id, List<OrderEvent> events) {
    if (events == null || events.isEmpty()) {
      throw new IllegalArgumentException("order " + id + " has no events");
    }
    Order order = new Order(id);
    order.applyAll(events);
    return order;
  }

  /** The order a {@link #snapshot()} describes. */
  public static Order restore(UUID id, Snapshot s) {
    if (s == null || s.phase() == null || s.version() < 1) {
      throw new IllegalArgumentException("order " + id + " has no usable snapshot");
    }
    Order order = new Order(id);
    order.version = s.version();
    order.customerId = s.customerId();
    order.lines = List.copyOf(s.lines());
    order.total = totalOf(order.lines);
    order.paymentToken = s.paymentToken();
    order.createdAt = s.createdAt();
    order.phase = s.phase();
    order.reason = s.reason();
    order.releasePending = s.releasePending();
    order.refundPending = s.refundPending();
    order.deadline = s.deadline();
    order.history.addAll(s.history());
    return order;
  }

  public Snapshot snapshot() {
    return new Snapshot(
        version,
        customerId,
        lines,
        paymentToken,
        createdAt,
        phase,
        reason,
        releasePending,
        refundPending,
        deadline,
        List.copyOf(history));
  }

  /** This order with {@code more} events applied; this one is left as it was. */
  public Order with(List<OrderEvent> more) {
    Order next = restore(id, snapshot());
    next.applyAll(more);
    return next;
  }

  private void applyAll(List<OrderEvent> events) {
    for (OrderEvent e : events) {
      apply(e);
      version++;
    }
  }

  /**
   * Places an order from lines already priced by the catalog and starts the saga with {@code
   * ReserveStock}.
   *
   * @throws OrderRejectedException when the lines mix currencies or the total overflows
   */
  public static Decision place(
      UUID id,
      UUID customerId,
      List<Line> lines,
      String paymentToken,
      Instant now,
      SagaTimeouts timeouts) {
    if (customerId == null || now == null || paymentToken == null || paymentToken.isBlank()) {
      throw new IllegalArgumentException("an order needs a customer, a payment token and a time");
    }
    checkLines(lines);
    totalOf(lines);
    OrderEvent placed =
        new OrderEvent.Placed(
            customerId, List.copyOf(lines), paymentToken, now, now.plus(timeouts.reserve()));
    return Decision.of(
        List.of(placed),
        List.of(
            new ReserveStock(
                id, lines.stream().map(l -> new StockLine(l.productId(), l.quantity())).toList())));
  }

  // ---- replies of the participants ----

  public Decision onStockReserved(Instant now, SagaTimeouts timeouts) {
    return switch (phase) {
      case RESERVING ->
          Decision.of(
              List.of(new OrderEvent.StockReserved(now, now.plus(timeouts.payment()))),
              List.of(new AuthorizePayment(id, customerId, total, paymentToken)));
      case COMPENSATING, CANCELLED ->
          Decision.ignoreButSend(
              "late StockReserved while " + phase + ": releasing the stock again",
              new ReleaseStock(id));
      default -> Decision.ignore("duplicate StockReserved while " + phase);
    };
  }

  public Decision onStockRejected(String rejection, Instant now, SagaTimeouts timeouts) {
    if (phase == Phase.RESERVING) {
      return Decision.of(
          List.of(
              new OrderEvent.StepFailed(RESERVE_STOCK.name(), rejection, now),
              new OrderEvent.Cancelled(OrdersContract.REASON_OUT_OF_STOCK, now)),
          List.of());
    }
    if (phase == Phase.COMMITTING && CatalogContract.REASON_RESERVATION_EXPIRED.equals(rejection)) {
      // The reservation is gone, so there is no stock to release; only the payment is undone.
      return Decision.of(
          List.of(
              new OrderEvent.StepFailed(COMMIT_STOCK.name(), rejection, now),
              new OrderEvent.CompensationStarted(
                  OrdersContract.REASON_TIMED_OUT,
                  false,
                  true,
                  now,
                  now.plus(timeouts.compensationRetry()))),
          List.of(new RefundPayment(id)));
    }
    return Decision.ignore("StockRejected(" + rejection + ") does not fit " + phase);
  }

  public Decision onPaymentAuthorized(UUID paymentId, Instant now, SagaTimeouts timeouts) {
    return switch (phase) {
      case AUTHORIZING ->
          Decision.of(
              List.of(
                  new OrderEvent.PaymentAuthorized(paymentId, now, now.plus(timeouts.commit()))),
              List.of(new CommitStock(id)));
      case COMPENSATING, CANCELLED ->
          Decision.ignoreButSend(
              "late PaymentAuthorized while " + phase + ": refunding again", new RefundPayment(id));
      default -> Decision.ignore("duplicate PaymentAuthorized while " + phase);
    };
  }

  public Decision onPaymentDeclined(String declineReason, Instant now, SagaTimeouts timeouts) {
    if (phase != Phase.AUTHORIZING) {
      return Decision.ignore("PaymentDeclined does not fit " + phase);
    }
    return Decision.of(
        List.of(
            new OrderEvent.StepFailed(AUTHORIZE_PAYMENT.name(), declineReason, now),
            new OrderEvent.CompensationStarted(
                OrdersContract.REASON_PAYMENT_DECLINED,
                true,
                false,
                now,
                now.plus(timeouts.compensationRetry()))),
        List.of(new ReleaseStock(id)));
  }

  public Decision onStockCommitted(Instant now) {
    if (phase != Phase.COMMITTING) {
      return Decision.ignore("StockCommitted does not fit " + phase);
    }
    return Decision.of(
        List.of(new OrderEvent.StockCommitted(now), new OrderEvent.Confirmed(now)), List.of());
  }

  public Decision onStockReleased(Instant now) {
    if (phase != Phase.COMPENSATING || !releasePending) {
      return Decision.ignore("StockReleased does not fit " + phase);
    }
    List<OrderEvent> out = new ArrayList<>(List.of(new OrderEvent.StockReleased(now)));
    if (!refundPending) {
      out.add(new OrderEvent.Cancelled(reason, now));
    }
    return Decision.of(out, List.of());
  }

  public Decision onPaymentRefunded(Instant now) {
    if (phase != Phase.COMPENSATING || !refundPending) {
      return Decision.ignore("PaymentRefunded does not fit " + phase);
    }
    List<OrderEvent> out = new ArrayList<>(List.of(new OrderEvent.PaymentRefunded(now)));
    if (!releasePending) {
      out.add(new OrderEvent.Cancelled(reason, now));
    }
    return Decision.of(out, List.of());
  }

  // ---- commands ----

  /**
   * The customer cancels: compensations of every step reached are sent; the order is cancelled once
   * they are acknowledged. Asking again while that is under way changes nothing.
   *
   * @throws IllegalTransitionException once the order is confirmed or cancelled, or when it is
   *     already being cancelled for another reason
   */
  public Decision cancel(Instant now, SagaTimeouts timeouts) {
    return switch (phase) {
      case RESERVING, AUTHORIZING, COMMITTING -> {
        List<OrderEvent> out = new ArrayList<>();
        out.add(new OrderEvent.CancelRequested(now));
        Decision compensation =
            compensate(OrdersContract.REASON_CANCELLED_BY_CUSTOMER, now, timeouts);
        out.addAll(compensation.events());
        yield Decision.of(out, compensation.commands());
      }
      case COMPENSATING -> {
        if (OrdersContract.REASON_CANCELLED_BY_CUSTOMER.equals(reason)) {
          yield Decision.ignore("cancel already requested");
        }
        throw new IllegalTransitionException(
            phase,
            "order "
                + id
                + " is already being cancelled ("
                + reason
                + "); it becomes CANCELLED once its compensations are acknowledged");
      }
      case CONFIRMED ->
          throw new IllegalTransitionException(
              phase, "order " + id + " is already CONFIRMED and can no longer be cancelled");
      case CANCELLED ->
          throw new IllegalTransitionException(
              phase, "order " + id + " is already CANCELLED (" + reason + ")");
    };
  }

  /**
   * The current step's deadline passed: compensate the steps reached (reason TIMED_OUT), or, while
   * compensating, send the unanswered compensations again.
   *
   * @throws IllegalTransitionException when the order waits for nothing or its deadline is ahead
   */
  public Decision deadlinePassed(Instant now, SagaTimeouts timeouts) {
    if (deadline == null) {
      throw new IllegalTransitionException(
          phase, "order " + id + " is " + phase + " and waits for no reply");
    }
    if (now.isBefore(deadline)) {
      throw new IllegalTransitionException(
          phase, "order " + id + " is " + phase + " until " + deadline + ", not due at " + now);
    }
    OrderSaga.Step step =
        switch (phase) {
          case RESERVING -> RESERVE_STOCK;
          case AUTHORIZING -> AUTHORIZE_PAYMENT;
          case COMMITTING -> COMMIT_STOCK;
          default -> null;
        };
    if (step == null) {
      List<Object> again = new ArrayList<>();
      if (releasePending) {
        again.add(new ReleaseStock(id));
      }
      if (refundPending) {
        again.add(new RefundPayment(id));
      }
      return Decision.of(
          List.of(new OrderEvent.CompensationRetried(now, now.plus(timeouts.compensationRetry()))),
          again);
    }
    List<OrderEvent> out = new ArrayList<>();
    out.add(new OrderEvent.StepTimedOut(step.name(), now));
    Decision compensation = compensate(OrdersContract.REASON_TIMED_OUT, now, timeouts);
    out.addAll(compensation.events());
    return Decision.of(out, compensation.commands());
  }

  /**
   * Starts the compensations of every step reached. A reservation may arrive after its deadline, so
   * stock is always released; the payment is refunded once the payment step was started.
   */
  private Decision compensate(String why, Instant now, SagaTimeouts timeouts) {
    boolean refund = phase == Phase.AUTHORIZING || phase == Phase.COMMITTING;
    List<Object> commands = new ArrayList<>();
    commands.add(new ReleaseStock(id));
    if (refund) {
      commands.add(new RefundPayment(id));
    }
    return Decision.of(
        List.of(
            new OrderEvent.CompensationStarted(
                why, true, refund, now, now.plus(timeouts.compensationRetry()))),
        commands);
  }

  // ---- the fold ----

  private void apply(OrderEvent event) {
    switch (event) {
      case OrderEvent.Placed p -> {
        start(p.customerId(), p.lines(), p.at());
        paymentToken = p.paymentToken();
        phase = Phase.RESERVING;
        deadline = p.deadline();
        step(RESERVE_STOCK.name(), OrderSaga.STARTED, p.at());
      }
      case OrderEvent.Migrated m -> {
        start(m.customerId(), m.lines(), m.at());
        phase = Phase.CONFIRMED;
        deadline = null;
      }
      case OrderEvent.StockReserved r -> {
        expect(event, Phase.RESERVING);
        phase = Phase.AUTHORIZING;
        deadline = r.deadline();
        step(RESERVE_STOCK.name(), OrderSaga.SUCCEEDED, r.at());
        step(AUTHORIZE_PAYMENT.name(), OrderSaga.STARTED, r.at());
      }
      case OrderEvent.PaymentAuthorized a -> {
        expect(event, Phase.AUTHORIZING);
        phase = Phase.COMMITTING;
        deadline = a.deadline();
        step(AUTHORIZE_PAYMENT.name(), OrderSaga.SUCCEEDED, a.at());
        step(COMMIT_STOCK.name(), OrderSaga.STARTED, a.at());
      }
      case OrderEvent.StockCommitted c -> {
        expect(event, Phase.COMMITTING);
        step(COMMIT_STOCK.name(), OrderSaga.SUCCEEDED, c.at());
      }
      case OrderEvent.Confirmed c -> {
        expect(event, Phase.COMMITTING);
        phase = Phase.CONFIRMED;
        deadline = null;
      }
      case OrderEvent.StepFailed f -> step(f.step(), OrderSaga.FAILED, f.at());
      case OrderEvent.StepTimedOut t -> step(t.step(), OrderSaga.TIMED_OUT, t.at());
      case OrderEvent.CancelRequested c -> step(OrderSaga.CANCEL, OrderSaga.REQUESTED, c.at());
      case OrderEvent.CompensationStarted s -> {
        phase = Phase.COMPENSATING;
        reason = s.reason();
        releasePending = s.releaseStock();
        refundPending = s.refundPayment();
        deadline = s.deadline();
        if (releasePending) {
          step(OrderSaga.RELEASE_STOCK, OrderSaga.STARTED, s.at());
        }
        if (refundPending) {
          step(OrderSaga.REFUND_PAYMENT, OrderSaga.STARTED, s.at());
        }
      }
      case OrderEvent.CompensationRetried r -> {
        expect(event, Phase.COMPENSATING);
        deadline = r.deadline();
        if (releasePending) {
          step(OrderSaga.RELEASE_STOCK, OrderSaga.RETRIED, r.at());
        }
        if (refundPending) {
          step(OrderSaga.REFUND_PAYMENT, OrderSaga.RETRIED, r.at());
        }
      }
      case OrderEvent.StockReleased r -> {
        expect(event, Phase.COMPENSATING);
        releasePending = false;
        step(OrderSaga.RELEASE_STOCK, OrderSaga.SUCCEEDED, r.at());
      }
      case OrderEvent.PaymentRefunded r -> {
        expect(event, Phase.COMPENSATING);
        refundPending = false;
        step(OrderSaga.REFUND_PAYMENT, OrderSaga.SUCCEEDED, r.at());
      }
      case OrderEvent.Cancelled c -> {
        phase = Phase.CANCELLED;
        reason = c.reason();
        deadline = null;
        releasePending = false;
        refundPending = false;
      }
    }
  }

  private void start(UUID customer, List<Line> orderLines, Instant at) {
    if (phase != null) {
      throw new IllegalStateException("order " + id + " was placed twice");
    }
    checkLines(orderLines);
    customerId = customer;
    lines = List.copyOf(orderLines);
    total = totalOf(orderLines);
    createdAt = at;
  }

  private void expect(OrderEvent event, Phase wanted) {
    if (phase != wanted) {
      throw new IllegalStateException(
          event.getClass().getSimpleName() + " of order " + id + " while " + phase);
    }
  }

  private void step(String step, String outcome, Instant at) {
    history.add(new SagaStep(step, outcome, at));
  }

  private static void checkLines(List<Line> lines) {
    if (lines == null || lines.isEmpty() || lines.size() > MAX_LINES) {
      throw new IllegalArgumentException(
          "an order must have between 1 and "
              + MAX_LINES
              + " lines, but had "
              + (lines == null ? 0 : lines.size()));
    }
    Set<UUID> products = new HashSet<>();
    for (Line line : lines) {
      if (!products.add(line.productId())) {
        throw new IllegalArgumentException(
            "product " + line.productId() + " appears on more than one line");
      }
    }
  }

  private static Money totalOf(List<Line> lines) {
    String currency = lines.get(0).unitPrice().currency();
    long sum = 0;
    for (Line line : lines) {
      if (!line.unitPrice().currency().equals(currency)) {
        throw new OrderRejectedException(
            "currency-mismatch",
            "an order must be in one currency, but product "
                + line.productId()
                + " is priced in "
                + line.unitPrice().currency()
                + " and the order in "
                + currency);
      }
      try {
        sum = Math.addExact(sum, line.lineTotal().amount());
      } catch (ArithmeticException e) {
        throw new OrderRejectedException("total-too-large", "the order total is too large");
      }
    }
    return new Money(sum, currency);
  }

  /** The lines as the contract describes them, with each line's total. */
  public List<OrderLine> contractLines() {
    return lines.stream()
        .map(
            l -> new OrderLine(l.productId(), l.name(), l.quantity(), l.unitPrice(), l.lineTotal()))
        .toList();
  }

  public UUID id() {
    return id;
  }

  /** How many events were applied so far: the version appended events must follow. */
  public int version() {
    return version;
  }

  public UUID customerId() {
    return customerId;
  }

  public Phase phase() {
    return phase;
  }

  public Status status() {
    return phase.status;
  }

  /** Why the order is (being) cancelled; null when it is not. */
  public String reason() {
    return reason;
  }

  public List<Line> lines() {
    return lines;
  }

  public Money total() {
    return total;
  }

  public Instant createdAt() {
    return createdAt;
  }

  /** When the reply the order waits for is due; null when it waits for nothing. */
  public Instant deadline() {
    return deadline;
  }

  public boolean releasePending() {
    return releasePending;
  }

  public boolean refundPending() {
    return refundPending;
  }

  /** The saga's history, oldest first. */
  public List<SagaStep> steps() {
    return List.copyOf(history);
  }
}
