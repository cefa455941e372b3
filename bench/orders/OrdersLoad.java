import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Order load through the gateway (a single-file program: {@code java bench/orders/OrdersLoad.java
 * ...}, no dependencies). Clients never poll: after placing an order they wait for its outcome with
 * one {@code GET /api/v1/orders/{id}} carrying {@code Prefer: wait=30}. Orders are spread over
 * {@code --products} products (100, as pgbench's order script), each made with plenty of stock.
 *
 * <p>Modes ({@code --mode}):
 *
 * <ul>
 *   <li>{@code max}: a closed loop of {@code --concurrency} customers for {@code --duration}: the
 *       maximum sustained rate of orders reaching a final state;
 *   <li>{@code open}: an open loop, orders arriving at {@code --rate} per second (evenly spaced,
 *       whether or not earlier ones are done), each on its own virtual thread: time to CONFIRMED
 *       without coordinated omission;
 *   <li>{@code single}: one customer alone, one order after the other.
 * </ul>
 *
 * <p>Options: --base URL, --admin-password PW (or BAZAAR_ADMIN_PASSWORD, or --data-dir DIR to read
 * DIR/initial-admin-password), --mode, --concurrency N (32), --rate R (10), --duration S (30),
 * --warmup S (5), --products N (100), --customers N (32). Prints one {@code result:} line of
 * key=value pairs for scripts.
 */
public class OrdersLoad {

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
          .build();

  static String base = "http://127.0.0.1:8080";

  record Result(String status, long clientNanos, long serverMillis, int requests) {}

  public static void main(String[] args) throws Exception {
    String adminPassword = System.getenv("BAZAAR_ADMIN_PASSWORD");
    String mode = "max";
    int concurrency = 32;
    double rate = 10;
    int durationS = 30;
    int warmupS = 5;
    int productCount = 100;
    int customerCount = 32;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--base" -> base = v.replaceAll("/+$", "");
        case "--admin-password" -> adminPassword = v;
        case "--data-dir" ->
            adminPassword = Files.readString(Path.of(v, "initial-admin-password")).strip();
        case "--mode" -> mode = v;
        case "--concurrency" -> concurrency = Integer.parseInt(v);
        case "--rate" -> rate = Double.parseDouble(v);
        case "--duration" -> durationS = Integer.parseInt(v);
        case "--warmup" -> warmupS = Integer.parseInt(v);
        case "--products" -> productCount = Integer.parseInt(v);
        case "--customers" -> customerCount = Integer.parseInt(v);
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    if (adminPassword == null || adminPassword.isBlank()) {
      System.err.println(
          "need the admin password: --admin-password, BAZAAR_ADMIN_PASSWORD or --data-dir");
      System.exit(2);
    }
    if (!List.of("max", "open", "single").contains(mode)) {
      System.err.println("--mode must be max, open or single, but was " + mode);
      System.exit(2);
    }

    String admin = login("admin@bazaar.local", adminPassword);
    List<String> products = new ArrayList<>();
    for (int i = 0; i < productCount; i++) {
      products.add(
          field(
              expect(
                  201,
                  send(
                      "POST",
                      "/api/v1/products",
                      "{\"name\":\"Bench kettle "
                          + UUID.randomUUID()
                          + "\",\"description\":\"bench\",\"price\":{\"amount\":1000,\"currency\":\"EUR\"},\"stock\":1000000}",
                      admin,
                      null)),
              "id"));
    }
    int customers = mode.equals("single") ? 1 : Math.max(customerCount, concurrency);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < customers; i++) {
      String email = "bench-" + UUID.randomUUID() + "@example.com";
      expect(
          201,
          send(
              "POST",
              "/api/v1/users",
              "{\"email\":\"" + email + "\",\"password\":\"bench-pass-1\",\"name\":\"Bench\"}",
              null,
              null));
      tokens.add(login(email, "bench-pass-1"));
    }
    List<String> bodies =
        products.stream()
            .map(
                p ->
                    "{\"items\":[{\"productId\":\""
                        + p
                        + "\",\"quantity\":1}],\"paymentToken\":\"tok_ok\"}")
            .toList();

    int loops = mode.equals("single") ? 1 : concurrency;
    System.out.printf(
        Locale.ROOT,
        "mode %s: warm-up %d s, then %d s; %s; %d products%n",
        mode,
        warmupS,
        durationS,
        mode.equals("open") ? rate + " orders/s arriving" : loops + " customers in a closed loop",
        productCount);
    if (mode.equals("open")) {
      openLoop(tokens, bodies, warmupS, rate);
    } else {
      closedLoop(tokens, bodies, warmupS, loops);
    }
    System.out.println("measure-start");
    long t0 = System.nanoTime();
    List<Result> results =
        mode.equals("open")
            ? openLoop(tokens, bodies, durationS, rate)
            : closedLoop(tokens, bodies, durationS, loops);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    System.out.println("measure-end");

    List<Long> client = new ArrayList<>();
    List<Long> server = new ArrayList<>();
    int confirmed = 0;
    int cancelled = 0;
    int failed = 0;
    long requests = 0;
    java.util.Map<String, Integer> errorKinds = new java.util.TreeMap<>();
    for (Result r : results) {
      if (!r.status().equals("CONFIRMED") && !r.status().equals("CANCELLED")) {
        errorKinds.merge(r.status(), 1, Integer::sum);
      }
      requests += r.requests();
      switch (r.status()) {
        case "CONFIRMED" -> {
          confirmed++;
          client.add(r.clientNanos());
          server.add(r.serverMillis());
        }
        case "CANCELLED" -> cancelled++;
        default -> failed++;
      }
    }
    Collections.sort(client);
    Collections.sort(server);
    int done = confirmed + cancelled;
    System.out.printf(
        Locale.ROOT,
        "final orders: %d (%d confirmed, %d cancelled, %d errors) in %.1f s = %.1f orders/s;"
            + " %.2f requests per order%n",
        done,
        confirmed,
        cancelled,
        failed,
        elapsed,
        done / elapsed,
        done == 0 ? 0.0 : (double) requests / done);
    if (!errorKinds.isEmpty()) {
      System.out.println("errors by kind: " + errorKinds);
    }
    System.out.printf(
        Locale.ROOT,
        "time to CONFIRMED, client: p50 %.1f ms  p99 %.1f ms   server: p50 %d ms  p99 %d ms%n",
        pct(client, 50) / 1e6,
        pct(client, 99) / 1e6,
        pct(server, 50),
        pct(server, 99));
    System.out.printf(
        Locale.ROOT,
        "result: mode=%s orders=%d confirmed=%d errors=%d seconds=%.1f rate=%.2f p50_ms=%.1f"
            + " p99_ms=%.1f%n",
        mode,
        done,
        confirmed,
        failed,
        elapsed,
        done / elapsed,
        pct(client, 50) / 1e6,
        pct(client, 99) / 1e6);
    if (failed > 0 || confirmed == 0) {
      System.exit(1);
    }
  }

  static List<Result> closedLoop(List<String> tokens, List<String> bodies, int seconds, int loops)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(loops);
    for (int i = 0; i < loops; i++) {
      String token = tokens.get(i % tokens.size());
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (System.nanoTime() < end) {
                    String body = bodies.get(Math.floorMod(next.getAndIncrement(), bodies.size()));
                    results.add(oneOrder(token, body));
                  }
                } catch (Exception e) {
                  if (errors.incrementAndGet() <= 5) {
                    System.err.println("worker: " + e);
                  }
                  results.add(new Result("ERROR", 0, 0, 0));
                } finally {
                  done.countDown();
                }
              });
    }
    done.await();
    return new ArrayList<>(results);
  }

  /** Orders arrive every 1/rate seconds whatever the system does; each waits for its outcome. */
  static List<Result> openLoop(List<String> tokens, List<String> bodies, int seconds, double rate)
      throws InterruptedException {
    ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    long count = (long) (seconds * rate);
    List<Thread> threads = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      String token = tokens.get((int) (i % tokens.size()));
      String body = bodies.get((int) (i % bodies.size()));
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      results.add(oneOrder(token, body));
                    } catch (Exception e) {
                      results.add(new Result("ERROR " + e, 0, 0, 0));
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return new ArrayList<>(results);
  }

  static Result oneOrder(String token, String body) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> placed = send("POST", "/api/v1/orders", body, token, null);
    if (placed.statusCode() != 202) {
      return new Result("ERROR " + placed.statusCode(), 0, 0, 1);
    }
    String id = field(placed, "id");
    int requests = 1;
    while (true) {
      HttpResponse<String> r = send("GET", "/api/v1/orders/" + id, null, token, "wait=30");
      requests++;
      if (r.statusCode() != 200) {
        return new Result("ERROR " + r.statusCode(), 0, 0, requests);
      }
      String status = field(r, "status");
      if (status.equals("CONFIRMED") || status.equals("CANCELLED")) {
        long clientNanos = System.nanoTime() - start;
        Instant created = Instant.parse(field(r, "createdAt"));
        Instant last = created;
        Matcher m = Pattern.compile("\"at\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        while (m.find()) {
          Instant at = Instant.parse(m.group(1));
          if (at.isAfter(last)) {
            last = at;
          }
        }
        return new Result(status, clientNanos, Duration.between(created, last).toMillis(), requests);
      }
    }
  }

  static String login(String email, String password) throws Exception {
    return field(
        expect(
            200,
            send(
                "POST",
                "/api/v1/auth/token",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                null,
                null)),
        "access_token");
  }

  static HttpResponse<String> send(
      String method, String path, String body, String token, String prefer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(45));
    if (prefer != null) {
      b.header("Prefer", prefer);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> expect(int status, HttpResponse<String> r) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(
          r.request().method() + " " + r.request().uri() + ": " + r.statusCode() + " " + r.body());
    }
    return r;
  }

  /** The first string value of a top-level-ish JSON field (good enough for these bodies). */
  static String field(HttpResponse<String> r, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(r.body());
    if (!m.find()) {
      throw new IllegalStateException("no \"" + name + "\" in " + r.body());
    }
    return m.group(1);
  }

  static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
  }
}
