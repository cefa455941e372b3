package dev.bazaar.chaos.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Customers placing orders through the gateway the way real clients do: a timeout, a 5xx or a
 * broken connection means "unknown", so they retry with the same {@code Idempotency-Key}; a 202 is
 * a promise. Every request and answer goes into the {@link History}.
 */
final class Workload {

  /** A product the run created, and how many units it started with. */
  record Product(String id, String name, long price, int stock) {}

  /** A registered customer; the token is refreshed when it expires (401). */
  static final class Customer {
    final String id;
    final String email;
    final String password;
    volatile String token;

    Customer(String id, String email, String password, String token) {
      this.id = id;
      this.email = email;
      this.password = password;
      this.token = token;
    }
  }

  /** One order to place, decided up front from the seed. */
  record Job(
      int n,
      Customer customer,
      String key,
      Map<String, Integer> items,
      String paymentToken,
      long cancelAfterMillis) {}

  private final Http http;
  private final History history;
  final List<Product> products = new ArrayList<>();
  final List<Customer> customers = new ArrayList<>();
  final Map<String, Long> finals = new ConcurrentHashMap<>();
  final Map<String, Long> firstInvoke = new ConcurrentHashMap<>();
  final AtomicInteger placementsDone = new AtomicInteger();
  final AtomicInteger acked = new AtomicInteger();
  private final Duration giveUp;

  Workload(Http http, History history, Duration giveUp) {
    this.http = http;
    this.history = history;
    this.giveUp = giveUp;
  }

  // ---- setup, before any fault ----

  String login(String email, String password) {
    for (int attempt = 0; attempt < 60; attempt++) {
      Http.Reply r =
          http.post("/api/v1/auth/token", Map.of("email", email, "password", password), null);
      if (r.status() == 200) {
        return r.text("access_token");
      }
      if (r.status() == 401 || r.status() == 400) {
        throw new IllegalStateException(
            "login of " + email + " refused: " + r.status() + " " + r.body());
      }
      sleep(r.status() == 429 ? 2000 : 500);
    }
    throw new IllegalStateException("login of " + email + " kept failing");
  }

  void createProducts(String adminToken, Random rnd, int orders) {
    // Plenty: never runs out. Scarce: a handful of units, so out-of-stock races happen.
    for (int i = 0; i < 6; i++) {
      boolean scarce = i >= 3;
      int stock = scarce ? 3 + rnd.nextInt(8) : orders * 3 + 10;
      long price = 100 + rnd.nextInt(9_900);
      String name =
          "chaos "
              + (scarce ? "scarce " : "plenty ")
              + i
              + " "
              + UUID.randomUUID().toString().substring(0, 8);
      Map<String, Object> body =
          Map.of(
              "name",
              name,
              "description",
              "made by the chaos run",
              "price",
              Map.of("amount", price, "currency", "EUR"),
              "stock",
              stock);
      Http.Reply r = retrySetup(() -> http.post("/api/v1/products", body, adminToken));
      if (r.status() != 201) {
        throw new IllegalStateException("create product: " + r.status() + " " + r.body());
      }
      products.add(new Product(r.text("id"), name, price, stock));
    }
  }

  /**
   * Registers and logs in {@code count} customers, four at a time (each is two password hashes).
   */
  void registerCustomers(int count) {
    Customer[] made = new Customer[count];
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
      List<java.util.concurrent.Future<?>> pending = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        pending.add(pool.submit(() -> made[n] = registerCustomer(n)));
      }
      for (var f : pending) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while registering customers", e);
        }
      }
    }
    // In index order, so that the seeded jobs pick the same customer numbers on every run.
    customers.addAll(List.of(made));
  }

  private Customer registerCustomer(int i) {
    String email = "chaos-" + UUID.randomUUID() + "@example.com";
    String password = "chaos-pass-" + i;
    Map<String, String> body = Map.of("email", email, "password", password, "name", "Chaos " + i);
    Http.Reply r = retrySetup(() -> http.post("/api/v1/users", body, null));
    if (r.status() != 201) {
      throw new IllegalStateException("register: " + r.status() + " " + r.body());
    }
    return new Customer(r.text("id"), email, password, login(email, password));
  }

  private Http.Reply retrySetup(java.util.function.Supplier<Http.Reply> call) {
    Http.Reply r = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      r = call.get();
      if (r.answered() && r.status() < 500 && r.status() != 429) {
        return r;
      }
      sleep(500);
    }
    return r;
  }

  List<Job> jobs(Random rnd, int n) {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Customer c = customers.get(rnd.nextInt(customers.size()));
      Map<String, Integer> items = new java.util.LinkedHashMap<>();
      int lines = 1 + (rnd.nextInt(4) == 0 ? 1 : 0);
      for (int l = 0; l < lines; l++) {
        Product p =
            rnd.nextInt(10) < 3 ? products.get(3 + rnd.nextInt(3)) : products.get(rnd.nextInt(3));
        items.merge(p.id(), 1 + rnd.nextInt(3), (a, b) -> Math.min(100, a + b));
      }
      int t = rnd.nextInt(100);
      String token =
          t < 62 ? "tok_ok" : t < 74 ? "tok_declined" : t < 86 ? "tok_error" : "tok_slow";
      long cancelAfter = rnd.nextInt(10) == 0 ? rnd.nextInt(2_000) : -1;
      jobs.add(
          new Job(
              i,
              c,
              new UUID(rnd.nextLong(), rnd.nextLong()).toString(),
              items,
              token,
              cancelAfter));
    }
    return jobs;
  }

  // ---- the clients ----

  /** Places the job's order, cancels it if the job says so, then waits until it is final. */
  void run(String client, Job job, long finalWaitMillis) {
    String orderId;
    try {
      orderId = place(client, job);
    } finally {
      placementsDone.incrementAndGet();
    }
    if (orderId == null) {
      return;
    }
    // The customer keeps watching the order on its own (virtual) thread, so a fault that holds
    // orders up does not also hold up the placing of new ones.
    Thread.ofVirtual()
        .start(
            () -> {
              if (job.cancelAfterMillis() >= 0) {
                sleep(job.cancelAfterMillis());
                cancel(client, job, orderId);
              }
              awaitFinal(client, job, orderId, finalWaitMillis);
            });
  }

  private String place(String client, Job job) {
    List<Map<String, Object>> items = new ArrayList<>();
    job.items().forEach((p, q) -> items.add(Map.of("productId", p, "quantity", q)));
    Map<String, Object> body = Map.of("items", items, "paymentToken", job.paymentToken());
    long deadline = System.nanoTime() + giveUp.toNanos();
    long backoff = 100;
    Customer c = job.customer();
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      var op = history.add(client, "place", "invoke", c.id, job.key(), null, 0, job.paymentToken());
      firstInvoke.putIfAbsent(job.key(), op.atMillis());
      Http.Reply r =
          http.send(
              "POST",
              "/api/v1/orders",
              body,
              c.token,
              Map.of("Idempotency-Key", job.key()),
              Duration.ofSeconds(10));
      String id = r.text("id");
      if (r.status() == 200 || r.status() == 201 || r.status() == 202) {
        history.add(client, "place", "ok", c.id, job.key(), id, r.status(), r.text("status"));
        acked.incrementAndGet();
        return id;
      }
      if (r.status() == 401) {
        // A definite answer: nothing was placed; the client logs in and tries again.
        history.add(client, "place", "fail", c.id, job.key(), null, 401, "unauthorized");
        relogin(c);
        continue;
      }
      boolean unknown =
          !r.answered() || r.status() >= 500 || r.status() == 429 || r.status() == 409;
      history.add(
          client,
          "place",
          unknown ? "info" : "fail",
          c.id,
          job.key(),
          id,
          r.status(),
          r.answered() ? trim(r.body()) : r.error());
      if (!unknown) {
        return null;
      }
      sleep(backoff);
      backoff = Math.min(2_000, backoff * 2);
    }
    return null;
  }

  private void cancel(String client, Job job, String orderId) {
    Customer c = job.customer();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      history.add(client, "cancel", "invoke", c.id, job.key(), orderId, 0, null);
      Http.Reply r = http.post("/api/v1/orders/" + orderId + "/cancel", null, c.token);
      if (r.status() == 202 || r.status() == 200 || r.status() == 409) {
        history.add(
            client,
            "cancel",
            r.status() == 409 ? "fail" : "ok",
            c.id,
            job.key(),
            orderId,
            r.status(),
            r.text("status"));
        return;
      }
      if (r.status() == 401) {
        relogin(c);
      }
      history.add(
          client,
          "cancel",
          "info",
          c.id,
          job.key(),
          orderId,
          r.status(),
          r.answered() ? trim(r.body()) : r.error());
      sleep(300);
    }
  }

  private void awaitFinal(String client, Job job, String orderId, long waitMillis) {
    Customer c = job.customer();
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      Http.Reply r =
          http.send(
              "GET",
              "/api/v1/orders/" + orderId,
              null,
              c.token,
              Map.of("Prefer", "wait=10"),
              Duration.ofSeconds(15));
      String status = r.text("status");
      if (r.status() == 200 && ("CONFIRMED".equals(status) || "CANCELLED".equals(status))) {
        var op =
            history.add(
                client,
                "final",
                "ok",
                c.id,
                job.key(),
                orderId,
                200,
                status + (r.text("reason") == null ? "" : " " + r.text("reason")));
        finals.put(orderId, op.atMillis());
        return;
      }
      if (r.status() == 401) {
        relogin(c);
      }
      // A server that does not hold the request answers at once: poll gently.
      if (r.headers().get("preference-applied") == null) {
        sleep(r.status() == 200 ? 500 : 1000);
      }
    }
  }

  /** Logs in again; while users is down that fails, and the caller simply tries again later. */
  private void relogin(Customer c) {
    try {
      c.token = login(c.email, c.password);
    } catch (IllegalStateException e) {
      sleep(1000);
    }
  }

  private static String trim(String s) {
    return s == null ? null : s.length() > 200 ? s.substring(0, 200) : s;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
