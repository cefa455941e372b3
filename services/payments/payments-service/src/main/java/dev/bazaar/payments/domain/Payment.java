package dev.bazaar.payments.domain;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.payments.api.AuthorizePayment;
import dev.bazaar.payments.api.PaymentAuthorized;
import dev.bazaar.payments.api.PaymentDeclined;
import dev.bazaar.payments.api.PaymentRefunded;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The payment of one order (at most one per order). Every transition returns the payment after it
 * and the replies it owes the saga; a command that finds the payment already decided answers with
 * the recorded outcome and changes nothing, so a repeated command never charges twice.
 *
 * <pre>
 *   (none) --authorize--> PENDING | AUTHORIZED | DECLINED
 *   (none) --refund-----> VOIDED                 (nothing charged; blocks a later authorization)
 *   PENDING --complete--> AUTHORIZED            (the provider's late answer, when due)
 *   PENDING --refund----> DECLINED              (never charged)
 *   VOIDED --authorize--> DECLINED              ("order was refunded before authorization")
 *   AUTHORIZED --refund-> REFUNDED
 * </pre>
 */
public record Payment(
    UUID id,
    UUID orderId,
    UUID customerId,
    Money amount,
    String token,
    PaymentStatus status,
    String reason,
    Instant decideAt) {

  public static final String REFUNDED_BEFORE_AUTHORIZATION =
      "order was refunded before authorization";
  public static final String ALREADY_REFUNDED = "payment was refunded";

  public Payment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    if (status != PaymentStatus.VOIDED && customerId == null) {
      throw new IllegalArgumentException("a " + status + " payment needs a customer");
    }
    if ((status == PaymentStatus.PENDING) != (decideAt != null)) {
      throw new IllegalArgumentException("only a PENDING payment has a decide-at time");
    }
  }

  /** A payment after a transition, and the replies to publish in the same transaction. */
  public record Change(Payment payment, List<Record> replies) {
    public Change {
      Objects.requireNonNull(payment, "payment");
      replies = List.copyOf(replies);
    }
  }

  /** The first authorization of an order, as the provider decided it. */
  public static Change start(UUID id, AuthorizePayment command, ProviderDecision decision) {
    requireValid(command);
    return switch (decision) {
      case ProviderDecision.Authorize a -> {
        Payment p = attempt(id, command, PaymentStatus.AUTHORIZED, null, null);
        yield new Change(p, List.of(new PaymentAuthorized(p.orderId, id, p.amount)));
      }
      case ProviderDecision.Decline d -> declinedAttempt(id, command, d.reason());
      case ProviderDecision.Pending p ->
          new Change(attempt(id, command, PaymentStatus.PENDING, null, p.decideAt()), List.of());
    };
  }

  /** A refund for an order nothing was charged for yet: remembered, so nothing will be. */
  public static Change voided(UUID id, UUID orderId) {
    Payment marker = new Payment(id, orderId, null, null, null, PaymentStatus.VOIDED, null, null);
    return new Change(marker, List.of(new PaymentRefunded(orderId, null, null)));
  }

  /** Another AuthorizePayment for an order that has this payment: never a second charge. */
  public Change authorizeAgain(AuthorizePayment command) {
    requireValid(command);
    if (!command.orderId().equals(orderId)) {
      throw new IllegalArgumentException(
          "authorization for order " + command.orderId() + " applied to order " + orderId);
    }
    return switch (status) {
      // The provider has not answered yet; the poller replies when it does.
      case PENDING -> unchanged();
      case AUTHORIZED -> unchanged(new PaymentAuthorized(orderId, id, amount));
      case DECLINED -> unchanged(new PaymentDeclined(orderId, id, reason));
      case REFUNDED -> unchanged(new PaymentDeclined(orderId, id, ALREADY_REFUNDED));
      case VOIDED -> declinedAttempt(id, command, REFUNDED_BEFORE_AUTHORIZATION);
    };
  }

  /** RefundPayment: the order must hold no charge afterwards; a repeat refunds nothing twice. */
  public Change refund() {
    return switch (status) {
      case AUTHORIZED ->
          new Change(
              with(PaymentStatus.REFUNDED, reason, null),
              List.of(new PaymentRefunded(orderId, id, amount)));
      case REFUNDED -> unchanged(new PaymentRefunded(orderId, id, amount));
      case PENDING -> {
        // The provider's late answer must not charge an order that was compensated: decline now
        // (answering the authorization) and report that nothing was charged.
        Payment declined = with(PaymentStatus.DECLINED, REFUNDED_BEFORE_AUTHORIZATION, null);
        yield new Change(
            declined,
            List.of(
                new PaymentDeclined(orderId, id, REFUNDED_BEFORE_AUTHORIZATION),
                new PaymentRefunded(orderId, null, null)));
      }
      case DECLINED, VOIDED -> unchanged(new PaymentRefunded(orderId, null, null));
    };
  }

  /** The provider's late answer to a pending authorization, once it is due. */
  public Change complete(Instant now) {
    if (status != PaymentStatus.PENDING) {
      throw new IllegalStateException(
          "payment " + id + " is " + status + ", only a PENDING payment can be completed");
    }
    if (now.isBefore(decideAt)) {
      throw new IllegalStateException(
          "payment " + id + " is not due before " + decideAt + " (now " + now + ")");
    }
    return authorized();
  }

  /** Whether a pending payment's provider answer is due at {@code now}. */
  public boolean dueAt(Instant now) {
    return status == PaymentStatus.PENDING && !now.isBefore(decideAt);
  }

  private Change authorized() {
    return new Change(
        with(PaymentStatus.AUTHORIZED, null, null),
        List.of(new PaymentAuthorized(orderId, id, amount)));
  }

  private static Change declinedAttempt(UUID id, AuthorizePayment command, String why) {
    Payment p = attempt(id, command, PaymentStatus.DECLINED, why, null);
    return new Change(p, List.of(new PaymentDeclined(p.orderId, id, why)));
  }

  private static Payment attempt(
      UUID id, AuthorizePayment c, PaymentStatus status, String reason, Instant decideAt) {
    return new Payment(
        id, c.orderId(), c.customerId(), c.amount(), c.paymentToken(), status, reason, decideAt);
  }

  private Change unchanged(Record... replies) {
    return new Change(this, List.of(replies));
  }

  private Payment with(PaymentStatus newStatus, String newReason, Instant newDecideAt) {
    return new Payment(id, orderId, customerId, amount, token, newStatus, newReason, newDecideAt);
  }

  private static void requireValid(AuthorizePayment command) {
    if (command == null || command.orderId() == null) {
      throw new IllegalArgumentException("AuthorizePayment has no orderId");
    }
    if (command.customerId() == null) {
      throw new IllegalArgumentException(
          "AuthorizePayment for order " + command.orderId() + " has no customerId");
    }
  }
}
