package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What the launcher promises: data survives a restart, a dead service is restarted and counted, a
 * launcher killed with kill -9 is cleaned up by the next command, and a port in use is a clear
 * error.
 */
class LifecycleIT {

  static JsonNode status(BazaarSystem system) throws Exception {
    BazaarSystem.Result r = system.run("status", "--json", "--data-dir", system.dataDir.toString());
    return Api.JSON.readTree(r.output().substring(r.output().indexOf('[')));
  }

  static JsonNode instance(JsonNode status, String service) {
    for (JsonNode i : status) {
      if (i.get("service").asText().equals(service)) {
        return i;
      }
    }
    throw new AssertionError("no " + service + " in " + status);
  }

  static List<Long> pids(JsonNode status) {
    List<Long> pids = new ArrayList<>();
    status.forEach(i -> pids.add(i.get("pid").asLong()));
    return pids;
  }

  static void assertAllGone(List<Long> pids) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(pids)
                    .allSatisfy(
                        pid ->
                            assertThat(
                                    ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                                .as("process %d", pid)
                                .isFalse()));
  }

  @Test
  void restartsKeepDataAndDeadProcessesComeBack() throws Exception {
    BazaarSystem system = new BazaarSystem("lifecycle", Map.of());
    Api api = new Api(system.gateway());
    system.up();
    try {
      Api.Customer ada = api.newCustomer("Ada");
      String productId = api.get("/api/v1/products?size=1", null).json().at("/items/0/id").asText();
      Api.Reply placed =
          api.post(
              "/api/v1/orders",
              Map.of(
                  "items",
                  List.of(Map.of("productId", productId, "quantity", 1)),
                  "paymentToken",
                  "tok_ok"),
              ada.token());
      assertThat(placed.status()).isEqualTo(202);
      String orderId = placed.json().get("id").asText();

      JsonNode status = status(system);
      assertThat(status.findValuesAsText("service"))
          .contains("users", "catalog", "orders", "notifications", "payments", "gateway");
      for (JsonNode i : status) {
        assertThat(i.has("instance") && i.has("pid") && i.has("port") && i.has("restarts"))
            .isTrue();
      }

      // A service that dies is restarted by the launcher and the restart is counted.
      JsonNode catalog = null;
      for (JsonNode i : status) {
        if (i.get("service").asText().equals("catalog")) {
          catalog = i;
        }
      }
      assertThat(catalog).isNotNull();
      ProcessHandle.of(catalog.get("pid").asLong()).orElseThrow().destroyForcibly();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                JsonNode now = status(system);
                JsonNode c = null;
                for (JsonNode i : now) {
                  if (i.get("service").asText().equals("catalog")) {
                    c = i;
                  }
                }
                assertThat(c.get("restarts").asInt()).isEqualTo(1);
                assertThat(c.get("state").asText()).isEqualTo("ready");
                assertThat(api.get("/api/v1/products/" + productId, null).status()).isEqualTo(200);
              });

      // The broker dies: services reconnect once the launcher has restarted it, and messages
      // published afterwards still flow (outbox relay -> broker -> inbox).
      JsonNode broker = instance(status(system), "broker");
      ProcessHandle.of(broker.get("pid").asLong()).orElseThrow().destroyForcibly();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> instance(status(system), "broker").get("restarts").asInt() == 1);
      Api.Reply second =
          api.post(
              "/api/v1/orders",
              Map.of(
                  "items",
                  List.of(Map.of("productId", productId, "quantity", 1)),
                  "paymentToken",
                  "tok_ok"),
              ada.token());
      assertThat(second.status()).isEqualTo(202);
      String secondId = second.json().get("id").asText();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(
                          api.get("/api/v1/notifications", ada.token())
                              .json()
                              .get("items")
                              .findValuesAsText("orderId"))
                      .contains(secondId));

      List<Long> before = pids(status(system));
      system.down();
      assertAllGone(before);

      system.up();
      String token = api.login(ada.email(), "s3cret-pass");
      Api.Reply again = api.get("/api/v1/orders/" + orderId, token);
      assertThat(again.status()).isEqualTo(200);
      assertThat(
              api.get("/api/v1/notifications", token).json().get("items").findValuesAsText("kind"))
          .contains("WELCOME", "ORDER_RECEIVED");
    } finally {
      system.down();
    }
  }

  @Test
  void aKilledLauncherIsCleanedUpByTheNextCommand() throws Exception {
    BazaarSystem system = new BazaarSystem("killed", Map.of());
    system.up();
    List<Long> children = pids(status(system));
    long launcherPid =
        ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().orElse("").contains("bazaar-launcher.jar up"))
            .filter(p -> p.info().commandLine().orElse("").contains(system.dataDir.toString()))
            .findFirst()
            .orElseThrow()
            .pid();
    ProcessHandle.of(launcherPid).orElseThrow().destroyForcibly();
    BazaarSystem.Result down = system.run("down", "--data-dir", system.dataDir.toString());
    assertThat(down.exitCode()).as(down.output()).isZero();
    assertAllGone(children);
    // The embedded PostgreSQL left by the killed launcher is gone too: its port is free again.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> portFree(BazaarSystem.PG_PORT) && portFree(BazaarSystem.BASE_PORT));
  }

  @Test
  void aPortInUseIsAClearError() throws Exception {
    BazaarSystem system = new BazaarSystem("port-in-use", Map.of());
    try (ServerSocket taken =
        new ServerSocket(BazaarSystem.BASE_PORT + 2, 50, InetAddress.getByName("127.0.0.1"))) {
      BazaarSystem.Result r =
          system.run(
              "up",
              "--data-dir",
              system.dataDir.toString(),
              "--base-port",
              String.valueOf(BazaarSystem.BASE_PORT),
              "--broker-port",
              String.valueOf(BazaarSystem.BROKER_PORT),
              "--pg-port",
              String.valueOf(BazaarSystem.PG_PORT));
      assertThat(r.exitCode()).isNotZero();
      assertThat(r.output())
          .contains(String.valueOf(BazaarSystem.BASE_PORT + 2))
          .contains("in use");
    }
    assertThat(portFree(BazaarSystem.BASE_PORT)).isTrue();
  }

  static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
