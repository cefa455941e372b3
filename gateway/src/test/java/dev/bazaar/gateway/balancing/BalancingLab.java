package dev.bazaar.gateway.balancing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real upstreams for the balancing and resilience tests:
 *
 * <ul>
 *   <li>{@code spread}: three Vert.x servers in this JVM, static instance list, round-robin;
 *   <li>{@code kill}: three separate JVMs ({@link UpstreamProcess}) that a test kills with SIGKILL;
 *   <li>{@code flaky}: one server that answers the status in {@code X-Fake-Status}, with a small
 *       breaker (4 calls, 50%, 1 s cool-down) and no retries;
 *   <li>{@code reg}: discovered from a registry file the test rewrites.
 * </ul>
 */
public class BalancingLab implements QuarkusTestResourceLifecycleManager {

  /** What the tests need to reach: the processes to kill, the registry file, the counters. */
  public static final class Lab {
    public final List<Process> killable = new ArrayList<>();
    public final List<String> spreadUrls = new ArrayList<>();
    public final AtomicInteger flakyCalls = new AtomicInteger();
    public Path registryFile;
  }

  private final Lab lab = new Lab();
  private Vertx vertx;
  private Path dir;

  @Override
  public Map<String, String> start() {
    vertx = Vertx.vertx();
    Map<String, String> config = new HashMap<>();
    try {
      dir = Files.createTempDirectory("bazaar-balancing");
      lab.registryFile = dir.resolve("registry.json");
      for (int i = 1; i <= 3; i++) {
        String name = "spread-" + i;
        int port = listen(req -> req.response().end("{\"instance\":\"" + name + "\"}"));
        lab.spreadUrls.add("http://127.0.0.1:" + port);
      }
      List<String> killUrls = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        killUrls.add("http://127.0.0.1:" + spawn("kill-" + i));
      }
      int flaky =
          listen(
              req -> {
                lab.flakyCalls.incrementAndGet();
                String status = req.getHeader("X-Fake-Status");
                req.response()
                    .setStatusCode(status == null ? 200 : Integer.parseInt(status))
                    .end("{\"instance\":\"flaky\"}");
              });
      // Steady load from one client: the rate limiter is not what these tests measure.
      config.put("bazaar.gateway.default-rate-limit", "none");
      config.put("bazaar.gateway.upstreams.spread.instances", String.join(",", lab.spreadUrls));
      route(config, "spread");
      config.put("bazaar.gateway.upstreams.kill.instances", String.join(",", killUrls));
      config.put("bazaar.gateway.upstreams.kill.health-check.interval", "200ms");
      route(config, "kill");
      config.put("bazaar.gateway.upstream.flaky", "http://127.0.0.1:" + flaky);
      config.put("bazaar.gateway.upstreams.flaky.breaker.window-size", "4");
      config.put("bazaar.gateway.upstreams.flaky.breaker.minimum-calls", "4");
      config.put("bazaar.gateway.upstreams.flaky.breaker.open-duration", "1s");
      config.put("bazaar.gateway.upstreams.flaky.outlier.consecutive-failures", "1000");
      config.put("bazaar.gateway.upstreams.flaky.retry.max-attempts", "1");
      route(config, "flaky");
      config.put("bazaar.gateway.registry-file", lab.registryFile.toString());
      config.put("bazaar.gateway.upstreams.reg.discovery", "registry");
      config.put("bazaar.gateway.upstreams.reg.health-check.enabled", "false");
      // New instances would start slowly; the unit tests cover that, here it only adds noise.
      config.put("bazaar.gateway.upstreams.reg.outlier.slow-start", "0s");
      route(config, "reg");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return config;
  }

  private static void route(Map<String, String> config, String name) {
    config.put("bazaar.gateway.routes." + name + ".prefix", "/api/v1/" + name);
    config.put("bazaar.gateway.routes." + name + ".upstream", name);
  }

  private int listen(io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler) {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(handler)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    return server.actualPort();
  }

  private int spawn(String name) throws IOException {
    Path classes;
    try {
      classes =
          Path.of(
              UpstreamProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classes.toString(),
                UpstreamProcess.class.getName(),
                name)
            .redirectErrorStream(true)
            .start();
    lab.killable.add(p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("PORT ")) {
      throw new IllegalStateException(name + " did not start: " + line);
    }
    return Integer.parseInt(line.substring(5).trim());
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        lab, new TestInjector.AnnotatedAndMatchesType(InjectLab.class, Lab.class));
  }

  @Override
  public void stop() {
    lab.killable.forEach(Process::destroyForcibly);
    if (vertx != null) {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .orTimeout(10, TimeUnit.SECONDS)
          .join();
    }
    try {
      Files.deleteIfExists(lab.registryFile);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
