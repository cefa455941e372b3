package dev.bazaar.chassis.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceInstancesTest {

  @TempDir Path dir;

  @Test
  void roundRobinOverTheReadyInstancesOfTheRegistry() throws Exception {
    Path registry = dir.resolve("registry.json");
    Files.writeString(
        registry,
        """
        {"services": {"catalog": [
          {"instance": "catalog-1", "url": "http://127.0.0.1:8082", "state": "ready"},
          {"instance": "catalog-2", "url": "http://127.0.0.1:8182/", "state": "ready"},
          {"instance": "catalog-3", "url": "http://127.0.0.1:8282", "state": "starting"}],
         "orders": [{"instance": "orders-1", "url": "http://127.0.0.1:8083", "state": "ready"}]}}
        """);
    ServiceInstances catalog =
        new ServiceInstances("catalog", Optional.of(registry), "http://fallback:8082");
    assertThat(catalog.all()).containsExactly("http://127.0.0.1:8082", "http://127.0.0.1:8182");
    assertThat(java.util.List.of(catalog.next(), catalog.next(), catalog.next()))
        .containsExactly("http://127.0.0.1:8082", "http://127.0.0.1:8182", "http://127.0.0.1:8082");
  }

  @Test
  void withoutARegistryOrAReadyInstanceCallsGoToTheFallback() throws Exception {
    assertThat(new ServiceInstances("catalog", Optional.empty(), "http://catalog:8082/").next())
        .isEqualTo("http://catalog:8082");
    Path registry = dir.resolve("registry.json");
    Files.writeString(registry, "{\"services\": {\"catalog\": []}}");
    assertThat(new ServiceInstances("catalog", Optional.of(registry), "http://c:1").next())
        .isEqualTo("http://c:1");
    assertThat(
            new ServiceInstances("catalog", Optional.of(dir.resolve("missing.json")), "http://c:1")
                .next())
        .isEqualTo("http://c:1");
  }
}
