package dev.bazaar.payments.messaging;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.RefundPayment;
import dev.bazaar.payments.config.PaymentsConfig;
import dev.bazaar.payments.domain.Payment;
import dev.bazaar.payments.domain.ProviderDecision;
import dev.bazaar.payments.domain.SimulatedProvider;
import dev.bazaar.payments.persistence.PaymentRepository;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * What the payment commands do, each in the transaction it is given (the inbox's for commands, the
 * poller's own for due authorizations): lock the order's payment row, apply the transition, write
 * it and its replies to the outbox. The order's primary key makes a second charge impossible.
 */
@ApplicationScoped
public class PaymentCommands {

  private static final Logger LOG = Logger.getLogger(PaymentCommands.class);

  @Inject DataSource dataSource;
  @Inject PaymentRepository payments;
  @Inject Replies replies;
  @Inject PaymentsConfig config;
  @Inject Clock clock;
  @Inject PendingPoller poller;

  private SimulatedProvider provider;

  @PostConstruct
  void init() {
    provider = new SimulatedProvider(clock, config.slowDelay(), config.errorFailures());
  }

  /**
   * AuthorizePayment. An order that already has a payment gets the recorded outcome again; only the
   * first command of an order reaches the provider.
   *
   * @throws dev.bazaar.payments.domain.ProviderUnavailableException when the provider failed
   *     transiently: the transaction rolls back and the command is redelivered
   */
  public void authorize(Connection tx, AuthorizePayment command) throws SQLException {
    requireIds(command);
    UUID orderId = command.orderId();
    Optional<Payment> existing = payments.lockByOrder(tx, orderId);
    if (existing.isPresent()) {
      apply(tx, existing.get(), existing.get().authorizeAgain(command));
      return;
    }
    ProviderDecision decision =
        provider.authorize(command.paymentToken(), command.amount(), providerCall(command));
    Payment.Change change = Payment.start(UUID.randomUUID(), command, decision);
    if (payments.insert(tx, change.payment(), clock.instant())) {
      replies.publish(tx, change.replies());
      poller.dueAt(change.payment().decideAt());
      LOG.debugf("payment of order %s: %s", orderId, change.payment().status());
      return;
    }
    // Another instance inserted the order's payment since the lock above found none; the insert
    // waited for its commit, so the row is there now and its outcome is the answer.
    Payment winner = payments.lockByOrder(tx, orderId).orElseThrow();
    apply(tx, winner, winner.authorizeAgain(command));
  }

  /** RefundPayment: refunds a charge, or remembers the refund so that nothing is charged later. */
  public void refund(Connection tx, RefundPayment command) throws SQLException {
    if (command == null || command.orderId() == null) {
      throw new IllegalArgumentException("RefundPayment has no orderId");
    }
    UUID orderId = command.orderId();
    Optional<Payment> existing = payments.lockByOrder(tx, orderId);
    if (existing.isPresent()) {
      apply(tx, existing.get(), existing.get().refund());
      return;
    }
    Payment.Change marker = Payment.voided(UUID.randomUUID(), orderId);
    if (payments.insert(tx, marker.payment(), clock.instant())) {
      replies.publish(tx, marker.replies());
      return;
    }
    Payment winner = payments.lockByOrder(tx, orderId).orElseThrow();
    apply(tx, winner, winner.refund());
  }

  /**
   * Completes up to one batch of pending authorizations that are due, in one transaction; returns
   * how many. Rows locked elsewhere (another instance, a refund in progress) are left for later.
   */
  public int completeDue() {
    return Tx.run(
        dataSource,
        c -> {
          Instant now = clock.instant();
          List<Payment> due = payments.lockDue(c, now, config.pollBatchSize());
          for (Payment p : due) {
            apply(c, p, p.complete(now));
            LOG.debugf("pending payment of order %s completed", p.orderId());
          }
          return due.size();
        });
  }

  /** When the earliest pending authorization is due, or null when none is pending. */
  public Instant earliestPendingDue() {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT min(decide_at) FROM payments WHERE status = 'PENDING'");
              ResultSet rs = ps.executeQuery()) {
            java.sql.Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
            return t == null ? null : t.toInstant();
          }
        });
  }

  private void apply(Connection tx, Payment before, Payment.Change change) throws SQLException {
    if (!change.payment().equals(before)) {
      payments.update(tx, change.payment(), clock.instant());
    }
    replies.publish(tx, change.replies());
  }

  /**
   * The number of this call to the provider for the order, counted in a transaction of its own:
   * like a real provider's, its memory does not roll back when our attempt fails.
   */
  private int providerCall(AuthorizePayment command) {
    if (!SimulatedProvider.countsCalls(command.paymentToken())) {
      return 1;
    }
    return Tx.run(dataSource, c -> payments.countProviderCall(c, command.orderId()));
  }

  private static void requireIds(AuthorizePayment command) {
    if (command == null || command.orderId() == null) {
      throw new IllegalArgumentException("AuthorizePayment has no orderId");
    }
    if (command.customerId() == null) {
      throw new IllegalArgumentException(
          "AuthorizePayment for order " + command.orderId() + " has no customerId");
    }
  }
}
