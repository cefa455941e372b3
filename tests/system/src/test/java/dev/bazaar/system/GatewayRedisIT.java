package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Two gateway processes ({@code bazaar gateway --routes FILE --port N}) in front of one upstream,
 * sharing their rate limit through Redis: together they let exactly the policy's capacity through.
 * Needs Redis, so it runs with the real-infra profile (where a missing Redis fails the run).
 */
class GatewayRedisIT {

  static final int PORT_A = 18190;
  static final int PORT_B = 18191;

  @Test
  void twoGatewayInstancesEnforceOneLimitThroughRedis() throws Exception {
    assumeTrue(BazaarSystem.realInfra(), "Redis runs with -Preal-infra");
    String redis = BazaarSystem.env("BAZAAR_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    AtomicInteger reached = new AtomicInteger();
    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext(
        "/",
        ex -> {
          if (ex.getRequestURI().getPath().startsWith("/api/")) {
            reached.incrementAndGet(); // not the gateways' health checks
          }
          byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    upstream.start();
    // A route (bucket keys are per route) and prefix of its own per run, so that buckets left in
    // Redis by an earlier run do not count.
    String run = UUID.randomUUID().toString().substring(0, 8);
    String prefix = "/api/v1/things-" + run;
    BazaarSystem system = new BazaarSystem("gateway-redis", java.util.Map.of());
    Path routes = system.dataDir.resolve("routes.yaml");
    Files.writeString(
        routes,
        """
        bazaar:
          gateway:
            upstream:
              things: http://127.0.0.1:%d
            routes:
              things-%s:
                prefix: %s
                upstream: things
                rate-limit: tight
            rate-limits:
              tight:
                capacity: 10
                period: 10m
                key: ip
        """
            .formatted(upstream.getAddress().getPort(), run, prefix));
    List<Process> gateways = new ArrayList<>();
    try {
      for (int port : new int[] {PORT_A, PORT_B}) {
        ProcessBuilder pb =
            new ProcessBuilder(
                    system.command("gateway", "--routes", routes.toString(), "--port", "" + port))
                .redirectErrorStream(true)
                .redirectOutput(system.dataDir.resolve("gateway-" + port + ".log").toFile());
        pb.environment().put("REDIS_URL", redis);
        gateways.add(pb.start());
      }
      for (int port : new int[] {PORT_A, PORT_B}) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!BazaarSystem.ready("http://127.0.0.1:" + port + "/q/health/ready")) {
          assertThat(System.nanoTime())
              .as("gateway on %d ready: %s", port, log(system, port))
              .isLessThan(deadline);
          Thread.sleep(250);
        }
      }
      Api a = new Api("http://127.0.0.1:" + PORT_A);
      Api b = new Api("http://127.0.0.1:" + PORT_B);
      int ok = 0;
      int limited = 0;
      for (int i = 0; i < 16; i++) {
        Api.Reply r = (i % 2 == 0 ? a : b).get(prefix + "/" + i, null);
        if (r.status() == 200) {
          ok++;
        } else {
          assertThat(r.status()).as(r.raw().body()).isEqualTo(429);
          assertThat(r.header("Retry-After")).isNotBlank();
          assertThat(r.header("RateLimit-Policy")).contains("10");
          limited++;
        }
      }
      assertThat(ok).as("one bucket of 10 for both instances").isEqualTo(10);
      assertThat(limited).isEqualTo(6);
      assertThat(reached.get()).isEqualTo(10);
    } finally {
      for (Process p : gateways) {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      upstream.stop(0);
    }
  }

  static String log(BazaarSystem system, int port) {
    try {
      return Files.readString(system.dataDir.resolve("gateway-" + port + ".log"));
    } catch (Exception e) {
      return "(no log)";
    }
  }
}
