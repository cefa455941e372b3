package dev.bazaar.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.chaos.check.Counts.Outcome;
import dev.bazaar.chaos.check.Observed.OrderRow;
import dev.bazaar.chaos.check.Observed.ParkedRow;
import dev.bazaar.chaos.check.Observed.PaymentRow;
import dev.bazaar.chaos.check.Observed.ReservationRow;
import dev.bazaar.chaos.check.Observed.ViewRow;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CheckerTest {

  private final RunMother run = new RunMother();

  @Test
  void aCorrectRunIsValidAndCountsEveryItem() {
    run.confirmed(2);
    run.confirmed(1);
    run.cancelled(3);

    Verdict v = run.check();

    assertThat(v.violations()).isEmpty();
    assertThat(v.valid()).isTrue();
    assertThat(v.counts().get("orders")).isEqualTo(new Counts(3, 0, 0, 0, 0));
    assertThat(v.counts().get("payments").ok()).isEqualTo(3);
    assertThat(v.counts().get("stock").ok()).isEqualTo(1);
    assertThat(v.counts().get("notifications").ok()).isEqualTo(3);
    assertThat(v.counts().get("outbox").ok()).isEqualTo(3);
    assertThat(v.counts().get("views").ok()).isEqualTo(3);
    assertThat(v.summary())
        .startsWith("orders ok=3 lost=0 duplicated=0 unexpected=0 stuck=0; payments ok=3");
  }

  @Test
  void anAcknowledgedOrderThatDoesNotExistIsLost() {
    String order = run.confirmed(2);
    run.orders.remove(run.order(order));

    Verdict v = run.check();

    assertThat(v.valid()).isFalse();
    assertThat(v.counts().get("orders").lost()).isEqualTo(1);
    assertThat(v.violations())
        .anySatisfy(
            x -> {
              assertThat(x.outcome()).isEqualTo(Outcome.LOST);
              assertThat(x.orderId()).isEqualTo(order);
            });
  }

  @Test
  void aRequestNeverAcknowledgedAndNeverCreatedIsNoViolation() {
    run.op("place", "invoke", "k-unacked", null, 0, null);
    run.op("place", "info", "k-unacked", null, 0, "connection reset");

    assertThat(run.check().valid()).isTrue();
  }

  @Test
  void twoOrdersForOneKeyAreDuplicated() {
    String order = run.confirmed(1);
    OrderRow o = run.order(order);
    String twin = UUID.randomUUID().toString();
    run.orders.add(
        new OrderRow(
            twin,
            o.customerId(),
            "CANCELLED",
            "PAYMENT_DECLINED",
            o.totalAmount(),
            "EUR",
            o.idempotencyKey(),
            o.lines()));
    run.views.put(twin, new ViewRow(200, "CANCELLED", "PAYMENT_DECLINED", o.totalAmount()));

    Verdict v = run.check();

    assertThat(v.counts().get("orders").duplicated()).isEqualTo(1);
  }

  @Test
  void anOrderNoRequestExplainsIsUnexpected() {
    run.confirmed(1);
    String stray = UUID.randomUUID().toString();
    run.orders.add(
        new OrderRow(
            stray, RunMother.CUSTOMER, "CANCELLED", "TIMED_OUT", 0, "EUR", null, Map.of()));

    Verdict v = run.check();

    assertThat(v.counts().get("orders").unexpected()).isEqualTo(1);
  }

  @Test
  void aPendingOrderIsStuck() {
    String order = run.confirmed(1);
    OrderRow o = run.order(order);
    run.replaceOrder(
        order,
        new OrderRow(
            o.id(),
            o.customerId(),
            "PENDING",
            null,
            o.totalAmount(),
            "EUR",
            o.idempotencyKey(),
            o.lines()));

    Verdict v = run.check();

    assertThat(v.counts().get("orders").stuck()).isEqualTo(1);
    assertThat(v.violations()).anySatisfy(x -> assertThat(x.message()).contains("still PENDING"));
  }

  @Test
  void aCancelledOrderWithoutReasonIsUnexpected() {
    String order = run.cancelled(1);
    OrderRow o = run.order(order);
    run.replaceOrder(
        order,
        new OrderRow(
            o.id(),
            o.customerId(),
            "CANCELLED",
            null,
            o.totalAmount(),
            "EUR",
            o.idempotencyKey(),
            o.lines()));
    run.views.put(order, new ViewRow(200, "CANCELLED", null, o.totalAmount()));

    assertThat(run.check().counts().get("orders").unexpected()).isEqualTo(1);
  }

  @Test
  void aSecondAuthorizedPaymentIsADoubleCharge() {
    String order = run.confirmed(2);
    run.payments.add(
        new PaymentRow(
            UUID.randomUUID().toString(), order, RunMother.CUSTOMER, "AUTHORIZED", 2000L, "EUR"));

    Verdict v = run.check();

    assertThat(v.counts().get("payments").duplicated()).isEqualTo(1);
    assertThat(v.violations()).anySatisfy(x -> assertThat(x.message()).contains("charged 2 times"));
  }

  @Test
  void aChargeOfTheWrongAmountIsUnexpected() {
    String order = run.confirmed(2);
    run.payments.removeIf(p -> p.orderId().equals(order));
    run.payments.add(
        new PaymentRow("pay-x", order, RunMother.CUSTOMER, "AUTHORIZED", 1999L, "EUR"));

    assertThat(run.check().counts().get("payments").unexpected()).isEqualTo(1);
  }

  @Test
  void aConfirmedOrderWithoutPaymentIsLostMoney() {
    String order = run.confirmed(2);
    run.payments.removeIf(p -> p.orderId().equals(order));

    assertThat(run.check().counts().get("payments").lost()).isEqualTo(1);
  }

  @Test
  void aCancelledOrderThatKeepsItsChargeIsUnexpected() {
    String order = run.cancelled(1);
    run.payments.removeIf(p -> p.orderId().equals(order));
    run.payments.add(
        new PaymentRow("pay-y", order, RunMother.CUSTOMER, "AUTHORIZED", 1000L, "EUR"));

    assertThat(run.check().counts().get("payments").unexpected()).isEqualTo(1);
  }

  @Test
  void aSecondOutcomeNotificationIsADuplicate() {
    String order = run.confirmed(1);
    run.notify(order, "ORDER_CONFIRMED");

    Verdict v = run.check();

    assertThat(v.counts().get("notifications").duplicated()).isEqualTo(1);
  }

  @Test
  void aMissingOrWrongNotificationIsReported() {
    String confirmed = run.confirmed(1);
    String cancelled = run.cancelled(1);
    run.notifications.removeIf(
        n -> n.orderId().equals(confirmed) && n.kind().equals("ORDER_CONFIRMED"));
    run.notify(cancelled, "ORDER_CONFIRMED");

    Counts c = run.check().counts().get("notifications");

    assertThat(c.lost()).isEqualTo(1);
    assertThat(c.unexpected()).isEqualTo(1);
  }

  @Test
  void aReservationLeftOpenIsALeak() {
    String order = run.cancelled(2);
    run.reservations.removeIf(r -> r.orderId().equals(order));
    run.reservations.add(new ReservationRow(order, "RESERVED", Map.of(RunMother.PRODUCT, 2)));
    run.available -= 2;

    Verdict v = run.check();

    assertThat(v.counts().get("stock").stuck()).isEqualTo(1);
    assertThat(v.violations())
        .anySatisfy(
            x -> {
              assertThat(x.invariant()).isEqualTo("stock");
              assertThat(x.orderId()).isEqualTo(order);
              assertThat(x.message()).contains("left open");
            });
  }

  @Test
  void unitsThatVanishOrAppearBreakConservation() {
    run.confirmed(2);
    run.available -= 1;
    assertThat(run.check().counts().get("stock").lost()).isEqualTo(1);

    run.available += 3;
    assertThat(run.check().counts().get("stock").duplicated()).isEqualTo(1);
  }

  @Test
  void aConfirmedOrderWhoseStockWasNotCommittedIsUnexpected() {
    String order = run.confirmed(1);
    run.reservations.removeIf(r -> r.orderId().equals(order));
    run.reservations.add(new ReservationRow(order, "EXPIRED", Map.of(RunMother.PRODUCT, 1)));

    assertThat(run.check().counts().get("stock").unexpected()).isEqualTo(1);
  }

  @Test
  void unsentOutboxRowsAndParkedMessagesAreReported() {
    run.confirmed(1);
    run.outbox.put("payments", 3);
    run.parked.add(new ParkedRow("catalog.commands.parked", "m-1", "ReserveStock", "boom"));

    Verdict v = run.check();

    assertThat(v.counts().get("outbox").stuck()).isEqualTo(1);
    assertThat(v.counts().get("parked").unexpected()).isEqualTo(1);
    assertThat(v.valid()).isFalse();
  }

  @Test
  void aCustomerViewThatDisagreesWithTheTableIsReported() {
    String a = run.confirmed(1);
    String b = run.confirmed(1);
    run.views.put(a, new ViewRow(200, "PENDING", null, 1000L));
    run.views.put(b, new ViewRow(404, null, null, null));

    Counts c = run.check().counts().get("views");

    assertThat(c.unexpected()).isEqualTo(1);
    assertThat(c.lost()).isEqualTo(1);
  }

  @Test
  void aStuckOrderWhoseViewMovedOnIsCountedOnceAsStuck() {
    String order = run.confirmed(1);
    OrderRow o = run.order(order);
    run.replaceOrder(
        order,
        new OrderRow(
            o.id(),
            o.customerId(),
            "PENDING",
            null,
            o.totalAmount(),
            "EUR",
            o.idempotencyKey(),
            o.lines()));

    Verdict v = run.check();

    assertThat(v.counts().get("orders").stuck()).isEqualTo(1);
    assertThat(v.counts().get("views").valid()).isTrue();
  }
}
