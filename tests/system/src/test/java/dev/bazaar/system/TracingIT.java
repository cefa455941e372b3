package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bazaar up --tracing}: one order is one trace in Zipkin, found through Zipkin's own API,
 * with spans from the gateway and every service the order passes (orders, catalog over HTTP and
 * AMQP, payments, notifications), joined through the outbox and the broker; the console's saga view
 * and the JSON logs name the same trace.
 */
class TracingIT {

  static final int ZIPKIN_PORT = 19411;
  static final String ZIPKIN = "http://127.0.0.1:" + ZIPKIN_PORT;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static BazaarSystem system;
  static Api api;
  static String admin;

  @BeforeAll
  static void boot() throws Exception {
    system = BazaarSystem.onConfiguredInfra("tracing", Map.of());
    system.up("--tracing", "--zipkin-port", String.valueOf(ZIPKIN_PORT));
    api = new Api(system.gateway());
    admin = api.login("admin@bazaar.local", system.adminPassword());
  }

  @AfterAll
  static void shutdown() throws Exception {
    if (system != null) {
      system.down();
      system.forgetInfrastructure();
    }
  }

  static JsonNode zipkin(String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(ZIPKIN + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? Api.JSON.readTree(r.body()) : Api.JSON.createArrayNode();
  }

  /** The services (Zipkin's lower-cased names) that have spans in the trace. */
  static Set<String> servicesIn(JsonNode trace) {
    Set<String> names = new LinkedHashSet<>();
    trace.forEach(span -> names.add(span.path("localEndpoint").path("serviceName").asText()));
    return names;
  }

  /** The client's own span id: the parent of the trace's first span, never exported. */
  static final String CLIENT_SPAN = "00f067aa0ba902b7";

  /** Whether every span's parent is in the trace too (nothing is still on its way). */
  static boolean complete(JsonNode trace) {
    Set<String> ids = new LinkedHashSet<>();
    trace.forEach(span -> ids.add(span.path("id").asText()));
    for (JsonNode span : trace) {
      String parent = span.path("parentId").asText("");
      if (!parent.isEmpty() && !parent.equals(CLIENT_SPAN) && !ids.contains(parent)) {
        return false;
      }
    }
    return true;
  }

  /**
   * "publisher->consumer" for every consume span whose parent is a publish span in the trace: the
   * hops the trace made through the broker.
   */
  static Set<String> brokerHops(JsonNode trace) {
    Map<String, JsonNode> byId = new java.util.HashMap<>();
    trace.forEach(span -> byId.put(span.get("id").asText(), span));
    Set<String> hops = new LinkedHashSet<>();
    for (JsonNode span : trace) {
      JsonNode parent = byId.get(span.path("parentId").asText());
      if ("CONSUMER".equals(span.path("kind").asText())
          && parent != null
          && "PRODUCER".equals(parent.path("kind").asText())) {
        hops.add(
            parent.path("localEndpoint").path("serviceName").asText()
                + "->"
                + span.path("localEndpoint").path("serviceName").asText());
      }
    }
    return hops;
  }

  static JsonNode awaitTrace(String traceId, Set<String> services, Set<String> hops)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    JsonNode trace = zipkin("/api/v2/trace/" + traceId);
    // Spans leave each process in batches every few seconds: wait until the last one is in.
    while (!(servicesIn(trace).containsAll(services)
            && brokerHops(trace).containsAll(hops)
            && complete(trace))
        && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      trace = zipkin("/api/v2/trace/" + traceId);
    }
    return trace;
  }

  @Test
  void oneOrderIsOneTraceAcrossTheGatewayAndTheServices() throws Exception {
    assertThat(system.launcherOutput()).contains("Traces (Zipkin): " + ZIPKIN + "/zipkin/");
    BazaarSystem.Result status = system.run("status", "--data-dir", system.dataDir.toString());
    assertThat(status.output()).contains("Traces (Zipkin): " + ZIPKIN + "/zipkin/");

    Api.Customer ada = api.newCustomer("Ada");
    String product = api.createProduct(admin, "Traced kettle " + UUID.randomUUID(), 1_000, 10);
    // The client starts the trace: its id is how the test finds it again.
    String traceId = HexFormat.of().formatHex(randomBytes(16));
    String body =
        Api.JSON.writeValueAsString(
            Map.of(
                "items",
                List.of(Map.of("productId", product, "quantity", 1)),
                "paymentToken",
                "tok_ok"));
    HttpResponse<String> placed =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(system.gateway() + "/api/v1/orders"))
                .header("Authorization", "Bearer " + ada.token())
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + CLIENT_SPAN + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(202);
    String orderId = Api.JSON.readTree(placed.body()).get("id").asText();
    assertThat(api.awaitFinal(orderId, ada.token()).get("status").asText()).isEqualTo("CONFIRMED");

    Set<String> path = Set.of("bazaar-gateway", "orders", "catalog", "payments", "notifications");
    // Each saga step is a publish by one service and a consume by another, the consume a child of
    // the publish, in this one trace.
    Set<String> hops =
        Set.of(
            "orders->catalog",
            "catalog->orders",
            "orders->payments",
            "payments->orders",
            "orders->notifications");
    JsonNode trace = awaitTrace(traceId, path, hops);
    assertThat(servicesIn(trace)).as(trace.toString()).containsAll(path);
    assertThat(brokerHops(trace)).as(trace.toString()).containsAll(hops);
    assertThat(complete(trace)).as("every span's parent is in the trace: " + trace).isTrue();
    assertThat(trace)
        .as("the trace starts at the gateway, under the client's span")
        .anySatisfy(
            span -> {
              assertThat(span.path("parentId").asText()).isEqualTo(CLIENT_SPAN);
              assertThat(span.path("localEndpoint").path("serviceName").asText())
                  .isEqualTo("bazaar-gateway");
            });
    assertThat(trace.findValuesAsText("name"))
        .as("the relay's delay is traced")
        .contains("outbox wait");
    // Orders priced the order with catalog over HTTP within the same trace.
    assertThat(trace)
        .anySatisfy(
            span -> {
              assertThat(span.path("localEndpoint").path("serviceName").asText())
                  .isEqualTo("catalog");
              assertThat(span.path("kind").asText()).isEqualTo("SERVER");
            });

    // The console's saga view links to this trace. (Read without Api's OpenAPI check: the
    // timeline's documented schema is not what this test is about.)
    HttpResponse<String> saga =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(system.gateway() + "/api/v1/admin/orders/sagas/" + orderId))
                .header("Authorization", "Bearer " + admin)
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(saga.statusCode()).as(saga.body()).isEqualTo(200);
    assertThat(Api.JSON.readTree(saga.body()).path("traceId").asText()).isEqualTo(traceId);

    // The JSON logs of the gateway and of orders carry the same trace id.
    for (String log : List.of("gateway.log", "orders.log", "catalog.log")) {
      assertThat(Files.readString(system.dataDir.resolve("logs").resolve(log)))
          .as(log)
          .contains(traceId);
    }
  }

  @Test
  void usersExportsItsSpansToo() throws Exception {
    String traceId = HexFormat.of().formatHex(randomBytes(16));
    HttpResponse<String> login =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(system.gateway() + "/api/v1/auth/token"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-" + CLIENT_SPAN + "-01")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        Api.JSON.writeValueAsString(
                            Map.of(
                                "email",
                                "admin@bazaar.local",
                                "password",
                                system.adminPassword()))))
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    JsonNode trace = awaitTrace(traceId, Set.of("bazaar-gateway", "users"), Set.of());
    assertThat(servicesIn(trace)).as(trace.toString()).contains("bazaar-gateway", "users");
  }

  static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
