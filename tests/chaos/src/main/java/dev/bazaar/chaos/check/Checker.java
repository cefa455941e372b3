package dev.bazaar.chaos.check;

import dev.bazaar.chaos.check.Counts.Outcome;
import dev.bazaar.chaos.check.Observed.NotificationRow;
import dev.bazaar.chaos.check.Observed.OrderRow;
import dev.bazaar.chaos.check.Observed.PaymentRow;
import dev.bazaar.chaos.check.Observed.ProductRow;
import dev.bazaar.chaos.check.Observed.ReservationRow;
import dev.bazaar.chaos.check.Observed.ViewRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a history against the state the system ended in. Plain Java: it reads nothing itself, so
 * the unit tests can feed it any history and state. The invariants, in the order they are reported:
 *
 * <dl>
 *   <dt>orders (per Idempotency-Key)
 *   <dd>an acknowledged key has exactly one order, and it is final; a key no answer acknowledged
 *       may have none or one (the request's outcome was unknown to the client). Two orders for one
 *       key are duplicated, an order of the run's customers that no key explains is unexpected, an
 *       order still PENDING is stuck, a CANCELLED one without a reason is unexpected.
 *   <dt>payments (per final order)
 *   <dd>CONFIRMED: exactly one AUTHORIZED payment, for exactly the order's total and currency, and
 *       no other live one. CANCELLED: none live (declined, refunded or none). A payment of a run's
 *       customer for an order that does not exist is unexpected; a PENDING one stuck.
 *   <dt>stock (per product, and per order whose reservation disagrees)
 *   <dd>initial = available + units of CONFIRMED orders, with no reservation left RESERVED; a
 *       CONFIRMED order's reservation is COMMITTED and a CANCELLED order's is not.
 *   <dt>notifications (per final order)
 *   <dd>exactly one notification of the order's outcome, none of the other outcome, at most one
 *       "received".
 *   <dt>outbox (per service)
 *   <dd>no unsent rows.
 *   <dt>parked (per message)
 *   <dd>no parked messages; each one that is there is listed in the report.
 *   <dt>views (per order)
 *   <dd>the owner's GET shows the status, reason and total of the orders table.
 * </dl>
 */
public final class Checker {

  public static final List<String> INVARIANTS =
      List.of("orders", "payments", "stock", "notifications", "outbox", "parked", "views");

  private final Map<String, Counts> counts = new LinkedHashMap<>();
  private final List<Violation> violations = new ArrayList<>();

  private Checker() {
    INVARIANTS.forEach(i -> counts.put(i, Counts.ZERO));
  }

  /** Checks {@code history} against {@code observed}. */
  public static Verdict check(List<Op> history, Observed observed) {
    Checker c = new Checker();
    Map<String, OrderRow> orders = new LinkedHashMap<>();
    observed.orders().forEach(o -> orders.put(o.id(), o));
    c.orders(history, observed, orders);
    c.payments(observed, orders);
    c.stock(observed, orders);
    c.notifications(observed, orders);
    c.outbox(observed);
    c.parked(observed);
    c.views(observed, orders);
    return new Verdict(c.counts, c.violations);
  }

  private void ok(String invariant) {
    counts.merge(invariant, Counts.ZERO, (a, b) -> a.plus(Outcome.OK));
  }

  private void bad(String invariant, Outcome o, String subject, String orderId, String msg) {
    counts.merge(invariant, Counts.ZERO, (a, b) -> a.plus(o));
    violations.add(new Violation(invariant, o, subject, orderId, msg));
  }

  /** What the history says about one Idempotency-Key. */
  private static final class Key {
    final String key;
    final String customerId;
    boolean acked;
    final Set<String> answeredIds = new LinkedHashSet<>();

    Key(String key, String customerId) {
      this.key = key;
      this.customerId = customerId;
    }
  }

  private void orders(List<Op> history, Observed observed, Map<String, OrderRow> orders) {
    Map<String, Key> keys = new LinkedHashMap<>();
    for (Op op : history) {
      if (!op.f().equals("place") || op.key() == null) {
        continue;
      }
      Key k =
          keys.computeIfAbsent(
              op.customerId() + "/" + op.key(), x -> new Key(op.key(), op.customerId()));
      if (op.isOk()) {
        k.acked = true;
      }
      if (op.orderId() != null && !op.type().equals("invoke")) {
        k.answeredIds.add(op.orderId());
      }
    }
    Map<String, List<OrderRow>> byKey = new HashMap<>();
    for (OrderRow o : orders.values()) {
      if (o.idempotencyKey() != null) {
        byKey
            .computeIfAbsent(o.customerId() + "/" + o.idempotencyKey(), x -> new ArrayList<>())
            .add(o);
      }
    }
    Set<String> explained = new LinkedHashSet<>();
    for (Map.Entry<String, Key> e : keys.entrySet()) {
      Key k = e.getValue();
      Set<String> ids = new LinkedHashSet<>(k.answeredIds);
      byKey.getOrDefault(e.getKey(), List.of()).forEach(o -> ids.add(o.id()));
      explained.addAll(ids);
      List<OrderRow> existing = ids.stream().map(orders::get).filter(Objects::nonNull).toList();
      String first = ids.isEmpty() ? null : ids.iterator().next();
      if (ids.size() > 1) {
        bad(
            "orders",
            Outcome.DUPLICATED,
            k.key,
            first,
            "Idempotency-Key " + k.key + " has " + ids.size() + " orders: " + ids);
      } else if (existing.isEmpty()) {
        if (k.acked) {
          bad(
              "orders",
              Outcome.LOST,
              k.key,
              first,
              "order "
                  + first
                  + " was acknowledged with 202 for key "
                  + k.key
                  + " but does not exist");
        }
        // Never acknowledged and never created: the request was not accepted, nothing to check.
      } else {
        OrderRow o = existing.get(0);
        if (!o.isFinal()) {
          bad(
              "orders",
              Outcome.STUCK,
              o.id(),
              o.id(),
              "order " + o.id() + " is still " + o.status());
        } else if (o.status().equals("CANCELLED") && (o.reason() == null || o.reason().isBlank())) {
          bad(
              "orders",
              Outcome.UNEXPECTED,
              o.id(),
              o.id(),
              "order " + o.id() + " is CANCELLED without a reason");
        } else {
          ok("orders");
        }
      }
    }
    for (OrderRow o : orders.values()) {
      if (!explained.contains(o.id())) {
        bad(
            "orders",
            Outcome.UNEXPECTED,
            o.id(),
            o.id(),
            "order "
                + o.id()
                + " of customer "
                + o.customerId()
                + " matches no request of the history");
      }
    }
  }

  private void payments(Observed observed, Map<String, OrderRow> orders) {
    Map<String, List<PaymentRow>> byOrder = new HashMap<>();
    for (PaymentRow p : observed.payments()) {
      byOrder.computeIfAbsent(p.orderId(), x -> new ArrayList<>()).add(p);
      if (!orders.containsKey(p.orderId()) && p.live()) {
        bad(
            "payments",
            Outcome.UNEXPECTED,
            p.id(),
            p.orderId(),
            "payment "
                + p.id()
                + " ("
                + p.status()
                + ") is for order "
                + p.orderId()
                + ", which does not exist");
      }
    }
    for (OrderRow o : orders.values()) {
      if (!o.isFinal()) {
        continue; // counted as stuck by the orders invariant
      }
      List<PaymentRow> ps = byOrder.getOrDefault(o.id(), List.of());
      List<PaymentRow> authorized =
          ps.stream().filter(p -> p.status().equals("AUTHORIZED")).toList();
      List<PaymentRow> pending = ps.stream().filter(p -> p.status().equals("PENDING")).toList();
      String all = describe(ps);
      if (!pending.isEmpty()) {
        bad(
            "payments",
            Outcome.STUCK,
            o.id(),
            o.id(),
            o.status() + " order " + o.id() + " has a PENDING payment: " + all);
      } else if (o.status().equals("CONFIRMED")) {
        if (authorized.isEmpty()) {
          bad(
              "payments",
              Outcome.LOST,
              o.id(),
              o.id(),
              "CONFIRMED order " + o.id() + " has no AUTHORIZED payment: " + all);
        } else if (authorized.size() > 1) {
          bad(
              "payments",
              Outcome.DUPLICATED,
              o.id(),
              o.id(),
              "CONFIRMED order " + o.id() + " is charged " + authorized.size() + " times: " + all);
        } else {
          PaymentRow p = authorized.get(0);
          if (!Objects.equals(p.amount(), o.totalAmount())
              || !Objects.equals(p.currency(), o.currency())) {
            bad(
                "payments",
                Outcome.UNEXPECTED,
                o.id(),
                o.id(),
                "CONFIRMED order "
                    + o.id()
                    + " totals "
                    + o.totalAmount()
                    + " "
                    + o.currency()
                    + " but was charged "
                    + p.amount()
                    + " "
                    + p.currency());
          } else {
            ok("payments");
          }
        }
      } else if (!authorized.isEmpty()) {
        bad(
            "payments",
            authorized.size() > 1 ? Outcome.DUPLICATED : Outcome.UNEXPECTED,
            o.id(),
            o.id(),
            "CANCELLED order " + o.id() + " (" + o.reason() + ") keeps a live payment: " + all);
      } else {
        ok("payments");
      }
    }
  }

  private static String describe(List<PaymentRow> ps) {
    if (ps.isEmpty()) {
      return "none";
    }
    List<String> out = new ArrayList<>();
    for (PaymentRow p : ps) {
      out.add(p.id() + " " + p.status() + " " + p.amount() + " " + p.currency());
    }
    return String.join(", ", out);
  }

  private void stock(Observed observed, Map<String, OrderRow> orders) {
    Map<String, ReservationRow> reservations = new HashMap<>();
    observed.reservations().forEach(r -> reservations.put(r.orderId(), r));
    Map<String, Integer> confirmedUnits = new HashMap<>();
    for (OrderRow o : orders.values()) {
      if (o.status().equals("CONFIRMED")) {
        o.lines().forEach((product, qty) -> confirmedUnits.merge(product, qty, Integer::sum));
      }
    }
    Map<String, List<String>> openByProduct = new HashMap<>();
    for (ReservationRow r : observed.reservations()) {
      if (r.state().equals("RESERVED")) {
        r.lines()
            .keySet()
            .forEach(
                p -> openByProduct.computeIfAbsent(p, x -> new ArrayList<>()).add(r.orderId()));
      }
    }
    for (ProductRow p : observed.products()) {
      int confirmed = confirmedUnits.getOrDefault(p.id(), 0);
      int sum = p.available() + confirmed;
      List<String> open = openByProduct.getOrDefault(p.id(), List.of());
      String numbers =
          "initial "
              + p.initialStock()
              + ", available "
              + p.available()
              + ", confirmed "
              + confirmed;
      if (!open.isEmpty()) {
        bad(
            "stock",
            Outcome.STUCK,
            p.id(),
            open.get(0),
            "product "
                + p.id()
                + " ("
                + p.name()
                + "): reservations left open by orders "
                + open
                + "; "
                + numbers);
      } else if (sum < p.initialStock()) {
        bad(
            "stock",
            Outcome.LOST,
            p.id(),
            null,
            "product "
                + p.id()
                + " ("
                + p.name()
                + "): "
                + (p.initialStock() - sum)
                + " units lost; "
                + numbers);
      } else if (sum > p.initialStock()) {
        bad(
            "stock",
            Outcome.DUPLICATED,
            p.id(),
            null,
            "product "
                + p.id()
                + " ("
                + p.name()
                + "): "
                + (sum - p.initialStock())
                + " units appeared (oversold or given back twice); "
                + numbers);
      } else {
        ok("stock");
      }
    }
    for (OrderRow o : orders.values()) {
      ReservationRow r = reservations.get(o.id());
      String state = r == null ? "none" : r.state();
      if (o.status().equals("CONFIRMED") && !state.equals("COMMITTED")) {
        bad(
            "stock",
            Outcome.UNEXPECTED,
            o.id(),
            o.id(),
            "CONFIRMED order " + o.id() + " has reservation " + state + ", not COMMITTED");
      } else if (o.status().equals("CANCELLED") && state.equals("COMMITTED")) {
        bad(
            "stock",
            Outcome.UNEXPECTED,
            o.id(),
            o.id(),
            "CANCELLED order " + o.id() + " has its stock COMMITTED");
      }
    }
  }

  private void notifications(Observed observed, Map<String, OrderRow> orders) {
    Map<String, Map<String, Integer>> kinds = new HashMap<>();
    for (NotificationRow n : observed.notifications()) {
      if (n.orderId() == null) {
        continue;
      }
      kinds.computeIfAbsent(n.orderId(), x -> new TreeMap<>()).merge(n.kind(), 1, Integer::sum);
      if (!orders.containsKey(n.orderId())) {
        bad(
            "notifications",
            Outcome.UNEXPECTED,
            n.id(),
            n.orderId(),
            "notification "
                + n.id()
                + " ("
                + n.kind()
                + ") is about order "
                + n.orderId()
                + ", which does not exist");
      }
    }
    for (OrderRow o : orders.values()) {
      if (!o.isFinal()) {
        continue;
      }
      Map<String, Integer> k = kinds.getOrDefault(o.id(), Map.of());
      String outcome = "ORDER_" + o.status();
      String other = o.status().equals("CONFIRMED") ? "ORDER_CANCELLED" : "ORDER_CONFIRMED";
      int n = k.getOrDefault(outcome, 0);
      String seen = "notifications " + k;
      if (k.getOrDefault(other, 0) > 0) {
        bad(
            "notifications",
            Outcome.UNEXPECTED,
            o.id(),
            o.id(),
            o.status() + " order " + o.id() + " was notified as " + other + "; " + seen);
      } else if (n == 0) {
        bad(
            "notifications",
            Outcome.LOST,
            o.id(),
            o.id(),
            o.status() + " order " + o.id() + " was never notified; " + seen);
      } else if (n > 1 || k.getOrDefault("ORDER_RECEIVED", 0) > 1) {
        bad(
            "notifications",
            Outcome.DUPLICATED,
            o.id(),
            o.id(),
            "order " + o.id() + " was notified twice; " + seen);
      } else {
        ok("notifications");
      }
    }
  }

  private void outbox(Observed observed) {
    observed
        .unsentOutbox()
        .forEach(
            (service, unsent) -> {
              if (unsent == 0) {
                ok("outbox");
              } else {
                bad(
                    "outbox",
                    Outcome.STUCK,
                    service,
                    null,
                    service + " has " + unsent + " unsent outbox rows");
              }
            });
  }

  private void parked(Observed observed) {
    observed
        .parked()
        .forEach(
            p ->
                bad(
                    "parked",
                    Outcome.UNEXPECTED,
                    p.queue() + "/" + p.id(),
                    null,
                    "parked on " + p.queue() + ": " + p.type() + " " + p.id() + ": " + p.error()));
    if (observed.parked().isEmpty()) {
      ok("parked");
    }
  }

  private void views(Observed observed, Map<String, OrderRow> orders) {
    for (OrderRow o : orders.values()) {
      ViewRow v = observed.views().get(o.id());
      if (!o.isFinal() && v != null && v.httpStatus() == 200) {
        // Tables and views are read one after the other: an order still moving (already counted
        // as stuck) may legitimately look newer in its view.
        continue;
      }
      if (v == null || v.httpStatus() == 404) {
        bad(
            "views",
            Outcome.LOST,
            o.id(),
            o.id(),
            "the owner cannot see order " + o.id() + (v == null ? " (not read)" : " (404)"));
      } else if (v.httpStatus() != 200) {
        bad(
            "views",
            Outcome.UNEXPECTED,
            o.id(),
            o.id(),
            "the owner's GET of order " + o.id() + " answered " + v.httpStatus());
      } else if (!Objects.equals(v.status(), o.status())
          || !Objects.equals(blankToNull(v.reason()), blankToNull(o.reason()))
          || !Objects.equals(v.totalAmount(), o.totalAmount())) {
        bad(
            "views",
            Outcome.UNEXPECTED,
            o.id(),
            o.id(),
            "order "
                + o.id()
                + ": the owner sees "
                + v.status()
                + "/"
                + v.reason()
                + "/"
                + v.totalAmount()
                + " but the orders table has "
                + o.status()
                + "/"
                + o.reason()
                + "/"
                + o.totalAmount());
      } else {
        ok("views");
      }
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
