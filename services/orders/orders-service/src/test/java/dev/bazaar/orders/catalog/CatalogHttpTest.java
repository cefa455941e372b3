package dev.bazaar.orders.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.Money;
import dev.bazaar.catalog.api.ProductView;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The raw call and its error mapping, without the fault-tolerance policy (no CDI here). */
class CatalogHttpTest {

  static FakeCatalog fake = new FakeCatalog();
  static CatalogHttp http;
  static final ObjectMapper JSON =
      new ObjectMapper()
          .findAndRegisterModules()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @BeforeAll
  static void start() {
    Map<String, String> config = fake.start();
    http = new CatalogHttp(URI.create(config.get("bazaar.catalog-url")), Optional.empty(), JSON);
  }

  @AfterAll
  static void stop() {
    fake.stop();
  }

  /** One product through the order-wide lookup. */
  static Optional<ProductView> one(CatalogHttp http, UUID id, String rid, String traceparent) {
    return Optional.ofNullable(http.products(java.util.List.of(id), rid, traceparent).get(id));
  }

  @Test
  void looksUpSeveralProductsInOneCallAndLeavesOutUnknownOnes() {
    UUID mug = UUID.fromString(CatalogMother.MUG.id());
    UUID unknown = UUID.fromString(CatalogMother.UNKNOWN);
    assertThat(http.products(java.util.List.of(mug, unknown), null, null)).containsOnlyKeys(mug);
  }

  @Test
  void readsAProductAndIgnoresFieldsItDoesNotKnow() {
    ProductView mug = one(http, UUID.fromString(CatalogMother.MUG.id()), null, null).orElseThrow();
    assertThat(mug.name()).isEqualTo("Enamel Mug");
    assertThat(mug.price()).isEqualTo(new Money(1250, "EUR"));
    assertThat(mug.stock()).isEqualTo(42);
  }

  @Test
  void unknownProductIsEmpty() {
    assertThat(one(http, UUID.fromString(CatalogMother.UNKNOWN), null, null)).isEmpty();
  }

  @Test
  void forwardsCorrelationHeaders() {
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    ProductView echo =
        one(http, UUID.fromString(CatalogMother.ECHO), "req-1", traceparent).orElseThrow();
    assertThat(echo.name()).isEqualTo("rid=req-1 tp=" + traceparent);
  }

  @Test
  void serverErrorsAndDroppedConnectionsAreUnavailable() {
    assertThatThrownBy(() -> one(http, UUID.fromString(CatalogMother.FAILING), null, null))
        .isInstanceOf(CatalogUnavailableException.class)
        .hasMessageContaining("503");
    assertThatThrownBy(() -> one(http, UUID.fromString(CatalogMother.DROPPING), null, null))
        .isInstanceOf(CatalogUnavailableException.class);
  }

  @Test
  void refusedConnectionIsUnavailableAtOnce() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    CatalogHttp nowhere =
        new CatalogHttp(URI.create("http://127.0.0.1:" + closedPort), Optional.empty(), JSON);
    long start = System.nanoTime();
    assertThatThrownBy(() -> one(nowhere, UUID.randomUUID(), null, null))
        .isInstanceOf(CatalogUnavailableException.class)
        .hasMessageStartingWith("catalog could not be reached");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
  }
}
