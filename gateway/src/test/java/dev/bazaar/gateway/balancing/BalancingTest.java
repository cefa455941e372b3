package dev.bazaar.gateway.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.gateway.resilience.CircuitBreaker;
import dev.bazaar.gateway.upstream.UpstreamStates;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Load balancing, ejection, retries and the circuit breaker against real upstream servers. */
@QuarkusTest
@WithTestResource(BalancingLab.class)
class BalancingTest {

  @InjectLab BalancingLab.Lab lab;

  @Inject UpstreamStates states;

  @TestHTTPResource("/")
  URI base;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String instance(HttpResponse<String> response) {
    return new JsonObject(response.body()).getString("instance");
  }

  @Test
  void roundRobinSpreadsEvenlyOverThreeInstances() throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      HttpResponse<String> response = get("/api/v1/spread/items");
      assertThat(response.statusCode()).isEqualTo(200);
      counts.merge(instance(response), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys("spread-1", "spread-2", "spread-3");
    counts.values().forEach(n -> assertThat(n).as("share of %s", counts).isBetween(90, 110));
  }

  /** One GET of the steady load: when it started and what it got. */
  record Shot(long startNanos, int status, String instance) {}

  @Test
  void aKilledInstanceCostsNoFailedGetAfterTheFirstEjectionWindow() throws Exception {
    for (int i = 0; i < 30; i++) {
      assertThat(get("/api/v1/kill/warm").statusCode()).isEqualTo(200);
    }
    ConcurrentLinkedQueue<Shot> shots = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService load = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      load.execute(
          () -> {
            while (running.get()) {
              long start = System.nanoTime();
              try {
                HttpResponse<String> r = get("/api/v1/kill/item");
                shots.add(
                    new Shot(start, r.statusCode(), r.statusCode() == 200 ? instance(r) : null));
              } catch (Exception e) {
                shots.add(new Shot(start, -1, e.toString()));
              }
            }
          });
    }
    Thread.sleep(1_500);
    Process victim = lab.killable.get(0);
    victim.destroyForcibly(); // SIGKILL: no goodbye, open connections just die
    victim.waitFor(5, TimeUnit.SECONDS);
    long killedAt = System.nanoTime();
    Thread.sleep(4_000);
    running.set(false);
    load.shutdown();
    assertThat(load.awaitTermination(15, TimeUnit.SECONDS)).isTrue();

    long windowEnd = killedAt + Duration.ofSeconds(1).toNanos();
    List<Shot> failedLate = new ArrayList<>();
    int failedEarly = 0;
    int late = 0;
    Map<String, Integer> lateByInstance = new TreeMap<>();
    for (Shot s : shots) {
      boolean failed = s.status() != 200;
      if (s.startNanos() >= windowEnd) {
        late++;
        if (failed) {
          failedLate.add(s);
        } else {
          lateByInstance.merge(s.instance(), 1, Integer::sum);
        }
      } else if (failed) {
        failedEarly++;
      }
    }
    System.out.printf(
        "kill test: %d requests, %d failed before the ejection window ended, %d after; after: %s%n",
        shots.size(), failedEarly, failedLate.size(), lateByInstance);
    assertThat(late).as("steady load after the kill").isGreaterThan(100);
    assertThat(failedLate).as("failed GETs after the first ejection window").isEmpty();
    assertThat(lateByInstance).containsOnlyKeys("kill-2", "kill-3");
    var killState = states.of("kill").orElseThrow();
    assertThat(killState.instances().get(0).weight()).isZero();
  }

  @Test
  void theBreakerOpensAnswersFastHalfOpensAfterTheCoolDownAndClosesOnSuccess() throws Exception {
    for (int i = 0; i < 4; i++) {
      assertThat(get("/api/v1/flaky/x", "X-Fake-Status", "500").statusCode()).isEqualTo(500);
    }
    assertThat(states.of("flaky").orElseThrow().breaker()).isEqualTo(CircuitBreaker.State.OPEN);

    int callsBefore = lab.flakyCalls.get();
    // Up to a few tries for one fast answer: on a loaded machine a request can lose its time slice.
    long fastest = Long.MAX_VALUE;
    HttpResponse<String> rejected = null;
    for (int i = 0; i < 5 && fastest >= 50; i++) {
      long start = System.nanoTime();
      rejected = get("/api/v1/flaky/x");
      fastest = Math.min(fastest, (System.nanoTime() - start) / 1_000_000);
      assertThat(rejected.statusCode()).isEqualTo(503);
    }
    assertThat(fastest).as("open breaker answers in ms").isLessThan(50);
    assertThat(rejected.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(rejected.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(new JsonObject(rejected.body()).getString("type"))
        .isEqualTo("https://bazaar.dev/problems/upstream-unavailable");
    assertThat(lab.flakyCalls.get()).as("the upstream was spared").isEqualTo(callsBefore);

    // After the cool-down a failing probe opens it again ...
    Thread.sleep(1_100);
    assertThat(get("/api/v1/flaky/x", "X-Fake-Status", "503").statusCode()).isEqualTo(503);
    assertThat(states.of("flaky").orElseThrow().breaker()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(get("/api/v1/flaky/x").headers().firstValue("Retry-After")).hasValue("1");

    // ... and a succeeding one closes it.
    Thread.sleep(1_100);
    assertThat(states.of("flaky").orElseThrow().breaker())
        .isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(get("/api/v1/flaky/x").statusCode()).isEqualTo(200);
    assertThat(states.of("flaky").orElseThrow().breaker()).isEqualTo(CircuitBreaker.State.CLOSED);
    for (int i = 0; i < 5; i++) {
      assertThat(get("/api/v1/flaky/x").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void registryChangesReachTheGatewayWithinASecond() throws Exception {
    writeRegistry(lab.spreadUrls.subList(0, 2));
    awaitInstances(List.of("spread-1", "spread-2"));
    writeRegistry(lab.spreadUrls);
    awaitInstances(List.of("spread-1", "spread-2", "spread-3"));
    writeRegistry(lab.spreadUrls.subList(2, 3));
    awaitInstances(List.of("spread-3"));
  }

  void writeRegistry(List<String> urls) throws Exception {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < urls.size(); i++) {
      entries
          .append(i == 0 ? "" : ",")
          .append("{\"instance\":\"reg-")
          .append(i + 1)
          .append("\",\"url\":\"")
          .append(urls.get(i))
          .append("\",\"state\":\"ready\"}");
    }
    var tmp = lab.registryFile.resolveSibling("registry.json.tmp");
    Files.writeString(tmp, "{\"services\":{\"reg\":[" + entries + "]}}");
    Files.move(
        tmp, lab.registryFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Within 1 s, 30 requests in a row are served by exactly {@code expected}. */
  void awaitInstances(List<String> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
    while (true) {
      Map<String, Integer> seen = new TreeMap<>();
      for (int i = 0; i < 30; i++) {
        HttpResponse<String> r = get("/api/v1/reg/x");
        seen.merge(
            r.statusCode() == 200 ? instance(r) : "status " + r.statusCode(), 1, Integer::sum);
      }
      if (seen.keySet().equals(new java.util.TreeSet<>(expected))) {
        return;
      }
      assertThat(System.nanoTime())
          .as("gateway follows the registry: saw %s", seen)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
