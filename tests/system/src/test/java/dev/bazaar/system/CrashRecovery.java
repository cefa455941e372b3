package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * kill -9 of the orders process between stock reservation and payment authorization, and of the
 * payments process while it holds commands, in a running system; afterwards every order must reach
 * a final state with the shop's invariants intact:
 *
 * <ul>
 *   <li>each CONFIRMED order has exactly one AUTHORIZED payment,
 *   <li>each CANCELLED order has none (declined or refunded payments are fine),
 *   <li>stock left + confirmed quantities = the initial stock.
 * </ul>
 */
final class CrashRecovery {

  static final int INITIAL_STOCK = 20;

  private CrashRecovery() {}

  record Placed(String orderId, String token) {}

  static void run(BazaarSystem system) throws Exception {
    Api api = new Api(system.gateway());
    String admin = api.login("admin@bazaar.local", system.adminPassword());
    String productId =
        api.createProduct(admin, "Crash kettle " + UUID.randomUUID(), 1_000, INITIAL_STOCK);
    List<Api.Customer> customers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      customers.add(api.newCustomer("Crash " + i));
    }
    List<Placed> placed = new ArrayList<>();

    // 1. Orders waiting for a slow payment: reserved, authorization outstanding. Kill orders.
    List<Placed> slow = place(api, customers, productId, 6, "tok_slow");
    placed.addAll(slow);
    for (Placed p : slow) {
      awaitStep(api, p, "AUTHORIZE_PAYMENT");
    }
    long ordersPid = system.pidOf("orders");
    ProcessHandle.of(ordersPid).orElseThrow().destroyForcibly();

    // 2. A burst while payments is busy (retrying tok_error holds its command unacked). Kill it.
    awaitUp(api, customers.get(0));
    List<Placed> burst = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<Placed>> a = pool.submit(() -> place(api, customers, productId, 10, "tok_error"));
      Future<List<Placed>> b = pool.submit(() -> place(api, customers, productId, 10, "tok_ok"));
      Thread.sleep(300);
      long paymentsPid = system.pidOf("payments");
      ProcessHandle.of(paymentsPid).orElseThrow().destroyForcibly();
      burst.addAll(a.get());
      burst.addAll(b.get());
    } finally {
      pool.shutdown();
    }
    placed.addAll(burst);

    // 3. Every order ends, and the invariants hold.
    int confirmedUnits = 0;
    int confirmed = 0;
    for (Placed p : placed) {
      JsonNode order = api.awaitFinal(p.orderId(), p.token(), Duration.ofSeconds(120));
      List<String> statuses = api.payments(p.orderId(), admin).findValuesAsText("status");
      if (order.get("status").asText().equals("CONFIRMED")) {
        confirmed++;
        confirmedUnits += order.get("items").get(0).get("quantity").asInt();
        assertThat(statuses)
            .as("payments of confirmed %s", p.orderId())
            .containsExactly("AUTHORIZED");
      } else {
        assertThat(statuses)
            .as("payments of cancelled %s", p.orderId())
            .doesNotContain("AUTHORIZED");
      }
    }
    assertThat(confirmed).as("some orders went through").isPositive();
    assertThat(api.stock(productId, admin) + confirmedUnits).isEqualTo(INITIAL_STOCK);

    JsonNode status =
        Api.JSON.readTree(
            extractJson(system.run("status", "--json", "--data-dir", system.dataDir.toString())));
    for (String service : List.of("orders", "payments")) {
      int restarts = 0;
      for (JsonNode row : status) {
        if (row.get("service").asText().equals(service)) {
          restarts += row.get("restarts").asInt();
        }
      }
      assertThat(restarts).as(service + " was restarted after kill -9").isPositive();
    }
  }

  static String extractJson(BazaarSystem.Result r) {
    return r.output().substring(r.output().indexOf('['));
  }

  static List<Placed> place(
      Api api, List<Api.Customer> customers, String productId, int n, String paymentToken)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 10));
    List<Callable<Placed>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Api.Customer c = customers.get(i % customers.size());
      calls.add(
          () -> {
            // The orders process may be down for a moment (restarting): a 5xx means not accepted,
            // so try again; a 202 is a promise.
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            Api.Reply r = null;
            while (System.nanoTime() < deadline) {
              r = api.order(c.token(), productId, 1, paymentToken);
              if (r.status() == 202) {
                return new Placed(r.json().get("id").asText(), c.token());
              }
              if (r.status() < 500) {
                break;
              }
              Thread.sleep(250);
            }
            throw new AssertionError(
                "order not accepted: " + (r == null ? "-" : r.status() + " " + r.raw().body()));
          });
    }
    List<Placed> out = new ArrayList<>();
    try {
      for (Future<Placed> f : pool.invokeAll(calls)) {
        out.add(f.get());
      }
    } finally {
      pool.shutdown();
    }
    return out;
  }

  static void awaitStep(Api api, Placed p, String step) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Api.Reply r = api.get("/api/v1/orders/" + p.orderId(), p.token());
      if (r.status() == 200) {
        last = r.json();
        if (last.get("steps").findValuesAsText("step").contains(step)) {
          return;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("order never reached " + step + ": " + last);
  }

  /** Waits until the restarted orders service answers again through the gateway. */
  static void awaitUp(Api api, Api.Customer c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      if (api.get("/api/v1/orders", c.token()).status() == 200) {
        return;
      }
    }
    throw new AssertionError("orders did not come back after kill -9");
  }
}
