package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients learn an order's outcome without polling, through the gateway and with two orders
 * instances: {@code Prefer: wait} answers once the order is final, even on the instance that did
 * not make the change, and the SSE stream passes the gateway unbuffered and ends with the outcome.
 */
class OrderPushIT {

  static BazaarSystem system;
  static Api api;
  static String admin;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void boot() throws Exception {
    // tok_slow authorizes after 3 s: every wait below starts while the order is still pending.
    system = BazaarSystem.onConfiguredInfra("push", Map.of("BAZAAR_PAYMENTS_SLOW_DELAY", "3s"));
    system.up();
    api = new Api(system.gateway());
    admin = api.login("admin@bazaar.local", system.adminPassword());
    BazaarSystem.Result scaled =
        system.run("scale", "orders=2", "--data-dir", system.dataDir.toString());
    assertThat(scaled.exitCode()).as(scaled.output()).isZero();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (ordersInstances().size() < 2) {
      assertThat(System.nanoTime()).as("a second orders instance is ready").isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  @AfterAll
  static void shutdown() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  /** The base URLs of the ready orders instances, from the launcher's registry file. */
  static List<String> ordersInstances() throws Exception {
    List<String> urls = new ArrayList<>();
    var file = system.dataDir.resolve("registry.json");
    if (!Files.exists(file)) {
      return urls;
    }
    for (JsonNode i : Api.JSON.readTree(Files.readString(file)).path("services").path("orders")) {
      if ("ready".equals(i.path("state").asText())) {
        urls.add(i.get("url").asText());
      }
    }
    return urls;
  }

  static HttpResponse<String> waitFor(String base, String orderId, String token, int seconds)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/orders/" + orderId))
            .header("Authorization", "Bearer " + token)
            .header("Prefer", "wait=" + seconds)
            .timeout(Duration.ofSeconds(seconds + 15))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void preferWaitIsWokenOnEveryOrdersInstanceAndThroughTheGateway() throws Exception {
    Api.Customer ada = api.newCustomer("Ada");
    String product = api.createProduct(admin, "Push kettle " + UUID.randomUUID(), 1_000, 10);
    Api.Reply placed = api.order(ada.token(), product, 1, "tok_slow");
    assertThat(placed.status()).as(placed.raw().body()).isEqualTo(202);
    String orderId = placed.json().get("id").asText();

    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
    // Straight to each instance: at most one of them commits the final change, the other is woken
    // by the database's notification; and through the gateway, whose timeout stretches by the wait.
    for (String base : ordersInstances()) {
      waits.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return waitFor(base, orderId, ada.token(), 25);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    waits.add(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return waitFor(system.gateway(), orderId, ada.token(), 25);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }));
    for (CompletableFuture<HttpResponse<String>> w : waits) {
      HttpResponse<String> r = w.get(60, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(Api.JSON.readTree(r.body()).get("status").asText()).isEqualTo("CONFIRMED");
      assertThat(r.headers().firstValue("Preference-Applied")).hasValue("wait=25");
    }
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("every wait answered soon after the 3 s payment, not at its 25 s limit")
        .isLessThan(20_000);
  }

  @Test
  void theEventStreamPassesTheGatewayStepByStepAndEnds() throws Exception {
    Api.Customer bob = api.newCustomer("Bob");
    String product = api.createProduct(admin, "Stream kettle " + UUID.randomUUID(), 1_000, 10);
    Api.Reply placed = api.order(bob.token(), product, 1, "tok_slow");
    String orderId = placed.json().get("id").asText();
    HttpResponse<java.util.stream.Stream<String>> stream =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(system.gateway() + "/api/v1/orders/" + orderId + "/events"))
                .header("Authorization", "Bearer " + bob.token())
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    long start = System.nanoTime();
    List<String> events = new ArrayList<>();
    List<Long> arrivals = new ArrayList<>();
    String[] lastData = new String[1];
    stream
        .body()
        .forEach(
            line -> {
              if (line.startsWith("event:")) {
                events.add(line.substring(6).trim());
                arrivals.add((System.nanoTime() - start) / 1_000_000);
              } else if (line.startsWith("data:")) {
                lastData[0] = line;
              }
            });
    assertThat(events.get(0)).isEqualTo("state");
    assertThat(events.get(events.size() - 1)).isEqualTo("final");
    assertThat(events).contains("step");
    assertThat(lastData[0]).contains("\"status\":\"CONFIRMED\"");
    // Not buffered by the gateway: the first event came at once, the final one after the payment.
    assertThat(arrivals.get(0)).isLessThan(2_000);
    assertThat(arrivals.get(arrivals.size() - 1)).isGreaterThan(arrivals.get(0));

    Api.Customer eve = api.newCustomer("Eve");
    Api.Reply foreign = api.get("/api/v1/orders/" + orderId + "/events", eve.token());
    assertThat(foreign.status()).isEqualTo(404);
  }
}
