package dev.bazaar.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.gateway.aggregate.AggregateConfig;
import dev.bazaar.gateway.cache.CacheConfig;
import dev.bazaar.gateway.docs.DocsConfig;
import dev.bazaar.gateway.protect.ProtectConfig;
import dev.bazaar.gateway.resilience.RetryPolicy;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The routes file maps onto the gateway's configuration and is validated by its mapping. */
class RoutesFileTest {

  @TempDir Path dir;

  private static SmallRyeConfig configFrom(Path file) {
    return new SmallRyeConfigBuilder()
        .withSources(RoutesFile.load(file))
        .withConverter(MemorySize.class, 100, new MemorySizeConverter())
        .withConverter(Duration.class, 100, new DurationConverter())
        .withMapping(GatewayConfig.class)
        .withMapping(CacheConfig.class)
        .withMapping(DocsConfig.class)
        .withMapping(ProtectConfig.class)
        .withMapping(AggregateConfig.class)
        .withValidateUnknown(true)
        .build();
  }

  @Test
  void theExampleFileLoads() {
    GatewayConfig config =
        configFrom(Path.of("examples/routes.yaml")).getConfigMapping(GatewayConfig.class);
    assertThat(config.upstream()).containsEntry("catalog", URI.create("http://127.0.0.1:8082"));
    assertThat(config.routes())
        .containsOnlyKeys("auth", "users", "products", "products-admin", "orders", "payments");
    GatewayConfig.RouteConfig products = config.routes().get("products");
    assertThat(products.prefix()).isEqualTo("/api/v1/products");
    assertThat(products.upstream()).isEqualTo("catalog");
    assertThat(products.timeout()).contains(Duration.ofSeconds(2));
    assertThat(products.cache().name()).isEqualTo("PUBLIC");
    assertThat(products.cacheTtl()).contains(Duration.ZERO);
    assertThat(products.methods()).isEmpty();
    assertThat(products.retry()).isEqualTo(RetryPolicy.IDEMPOTENT);
    GatewayConfig.RouteConfig admin = config.routes().get("products-admin");
    assertThat(admin.methods()).contains(List.of("POST", "PUT", "PATCH", "DELETE"));
    assertThat(admin.retry()).isEqualTo(RetryPolicy.NONE);
    assertThat(admin.auth()).isEqualTo("role:admin");
    assertThat(config.routes().get("orders").cache().name()).isEqualTo("NONE");
  }

  @Test
  void anUnknownKeyFailsNamingTheKey() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        bazaar:
          gateway:
            upstream:
              catalog: http://127.0.0.1:8082
            routes:
              products:
                prefx: /api/v1/products
                upstream: catalog
        """);
    assertThatThrownBy(() -> configFrom(file).getConfigMapping(GatewayConfig.class))
        .hasStackTraceContaining("bazaar.gateway.routes.products.prefx");
  }

  @Test
  void aBadValueFailsNamingTheKey() throws IOException {
    Path file = dir.resolve("bad-value.yaml");
    Files.writeString(
        file,
        """
        bazaar:
          gateway:
            routes:
              products:
                prefix: /api/v1/products
                upstream: catalog
                cache: sometimes
        """);
    assertThatThrownBy(() -> configFrom(file).getConfigMapping(GatewayConfig.class))
        .hasStackTraceContaining("bazaar.gateway.routes.products.cache");
  }

  @Test
  void aBadRetryPolicyFailsNamingTheKey() throws IOException {
    Path file = dir.resolve("bad-retry.yaml");
    Files.writeString(
        file,
        """
        bazaar:
          gateway:
            routes:
              products:
                prefix: /api/v1/products
                upstream: catalog
                retry: always
        """);
    assertThatThrownBy(() -> configFrom(file).getConfigMapping(GatewayConfig.class))
        .hasStackTraceContaining("bazaar.gateway.routes.products.retry");
  }

  @Test
  void methodsMayBeACommaSeparatedString() throws IOException {
    Path file = dir.resolve("methods.yaml");
    Files.writeString(
        file,
        """
        bazaar:
          gateway:
            routes:
              writes:
                prefix: /api/v1/products
                upstream: catalog
                methods: POST,DELETE
        """);
    assertThat(
            configFrom(file).getConfigMapping(GatewayConfig.class).routes().get("writes").methods())
        .contains(List.of("POST", "DELETE"));
  }

  @Test
  void aMissingFileFailsNamingTheFile() {
    assertThatThrownBy(() -> RoutesFile.load(dir.resolve("nope.yaml")))
        .hasMessageContaining("bazaar.gateway.routes-file")
        .hasMessageContaining("nope.yaml");
  }

  @Test
  void malformedYamlFailsNamingTheFile() throws IOException {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "bazaar:\n  gateway: [unclosed\n");
    assertThatThrownBy(() -> RoutesFile.load(file)).hasMessageContaining("broken.yaml");
  }
}
