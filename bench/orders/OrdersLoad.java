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
 * ...}, no dependencies). A closed loop of {@code --concurrency} customers, each placing an order
 * ({@code tok_ok}, one unit) and polling it until its saga ends, for {@code --duration}. Reports
 * orders/s that reached a final state and p50/p99 of time-to-CONFIRMED, both as the client saw it
 * (placing to first CONFIRMED read) and as the server recorded it (createdAt to the last saga step).
 *
 * <p>Options: --base URL (http://127.0.0.1:8080), --admin-password PW (or BAZAAR_ADMIN_PASSWORD, or
 * --data-dir DIR to read DIR/initial-admin-password), --concurrency N (16), --duration S (30),
 * --warmup S (5), --poll-ms N (20).
 */
public class OrdersLoad {

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  static String base = "http://127.0.0.1:8080";

  record Result(String status, long clientNanos, long serverMillis) {}

  public static void main(String[] args) throws Exception {
    String adminPassword = System.getenv("BAZAAR_ADMIN_PASSWORD");
    int concurrency = 16;
    int durationS = 30;
    int warmupS = 5;
    int pollMs = 20;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--base" -> base = v.replaceAll("/+$", "");
        case "--admin-password" -> adminPassword = v;
        case "--data-dir" ->
            adminPassword = Files.readString(Path.of(v, "initial-admin-password")).strip();
        case "--concurrency" -> concurrency = Integer.parseInt(v);
        case "--duration" -> durationS = Integer.parseInt(v);
        case "--warmup" -> warmupS = Integer.parseInt(v);
        case "--poll-ms" -> pollMs = Integer.parseInt(v);
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

    String admin = login("admin@bazaar.local", adminPassword);
    String product =
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
            "id");
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
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
    String body =
        "{\"items\":[{\"productId\":\"" + product + "\",\"quantity\":1}],\"paymentToken\":\"tok_ok\"}";

    System.out.printf(
        Locale.ROOT,
        "warm-up %d s, then %d s with %d customers in a closed loop%n",
        warmupS,
        durationS,
        concurrency);
    runPhase(tokens, body, warmupS, pollMs);
    long t0 = System.nanoTime();
    List<Result> results = runPhase(tokens, body, durationS, pollMs);
    double elapsed = (System.nanoTime() - t0) / 1e9;

    List<Long> client = new ArrayList<>();
    List<Long> server = new ArrayList<>();
    int confirmed = 0;
    int cancelled = 0;
    int failed = 0;
    for (Result r : results) {
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
    System.out.printf(
        Locale.ROOT,
        "final orders: %d (%d confirmed, %d cancelled, %d errors) in %.1f s = %.1f orders/s%n",
        confirmed + cancelled,
        confirmed,
        cancelled,
        failed,
        elapsed,
        (confirmed + cancelled) / elapsed);
    System.out.printf(
        Locale.ROOT,
        "time to CONFIRMED, client: p50 %.1f ms  p99 %.1f ms   server: p50 %d ms  p99 %d ms%n",
        pct(client, 50) / 1e6,
        pct(client, 99) / 1e6,
        pct(server, 50),
        pct(server, 99));
    if (failed > 0 || confirmed == 0) {
      System.exit(1);
    }
  }

  static List<Result> runPhase(List<String> tokens, String body, int seconds, int pollMs)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(tokens.size());
    for (String token : tokens) {
      Thread.ofPlatform()
          .start(
              () -> {
                try {
                  while (System.nanoTime() < end) {
                    results.add(oneOrder(token, body, pollMs));
                  }
                } catch (Exception e) {
                  if (errors.incrementAndGet() <= 5) {
                    System.err.println("worker: " + e);
                  }
                  results.add(new Result("ERROR", 0, 0));
                } finally {
                  done.countDown();
                }
              });
    }
    done.await();
    return new ArrayList<>(results);
  }

  static Result oneOrder(String token, String body, int pollMs) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> placed = send("POST", "/api/v1/orders", body, token, null);
    if (placed.statusCode() != 202) {
      return new Result("ERROR " + placed.statusCode(), 0, 0);
    }
    String id = field(placed, "id");
    while (true) {
      Thread.sleep(pollMs);
      HttpResponse<String> r = send("GET", "/api/v1/orders/" + id, null, token, null);
      if (r.statusCode() != 200) {
        return new Result("ERROR " + r.statusCode(), 0, 0);
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
        return new Result(status, clientNanos, Duration.between(created, last).toMillis());
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
      String method, String path, String body, String token, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
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
