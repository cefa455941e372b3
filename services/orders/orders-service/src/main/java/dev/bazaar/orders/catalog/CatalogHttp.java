package dev.bazaar.orders.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.ProductPage;
import dev.bazaar.catalog.api.ProductView;
import dev.bazaar.chassis.discovery.ServiceInstances;
import dev.bazaar.chassis.web.Correlation;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The raw HTTP call to catalog and the policy around it. Package-private: callers go through {@link
 * CatalogClient}, which turns failures into problems.
 *
 * <p>Policy (outermost first): up to 2 retries 100 ms apart (plus jitter) for transient failures
 * only, none started after 4 s; a circuit breaker that opens when half of the last 8 attempts
 * failed and lets a trial call through after 5 s; a 2 s timeout per attempt. A catalog that refuses
 * connections fails in milliseconds; one that hangs costs two timeouts (about 4.2 s, under the
 * gateway's 10 s), and once the breaker is open, nothing.
 */
@ApplicationScoped
class CatalogHttp {

  static final String BREAKER = "catalog";

  // The attempt timeout interrupts the call; this only bounds a call should the interrupt be lost.
  private static final Duration BACKSTOP = Duration.ofSeconds(10);

  private final HttpClient http;
  private final ServiceInstances catalog;
  private final ObjectMapper json;

  /**
   * {@code bazaar.catalog-url} (env BAZAAR_CATALOG_URL) is a single key beside the chassis' {@code
   * bazaar.*} keys, so it is read as a property: a {@code @ConfigMapping} on the {@code bazaar}
   * prefix would claim, and reject, every other {@code bazaar.*} key.
   */
  @Inject
  CatalogHttp(
      @ConfigProperty(name = "bazaar.catalog-url", defaultValue = "http://127.0.0.1:8082") URI base,
      @ConfigProperty(name = "bazaar.registry-file") Optional<String> registry,
      ObjectMapper json) {
    // Every ready catalog instance of the launcher's registry in turn; else the configured URL
    // (kept as text so that a base with a path, behind a proxy, keeps it).
    this.catalog = new ServiceInstances("catalog", registry.map(Path::of), base.toString());
    this.json = json;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * {@code GET /internal/v1/products/lookup?ids=...}: every known product of an order in one call,
   * by id; an unknown id is absent from the map.
   *
   * @throws CatalogUnavailableException when catalog cannot answer
   */
  @Timeout(value = 2, unit = ChronoUnit.SECONDS)
  @Retry(
      maxRetries = 2,
      delay = 100,
      jitter = 50,
      maxDuration = 4000,
      retryOn = {CatalogUnavailableException.class, TimeoutException.class},
      abortOn = CircuitBreakerOpenException.class)
  @CircuitBreaker(
      requestVolumeThreshold = 8,
      failureRatio = 0.5,
      delay = 5,
      delayUnit = ChronoUnit.SECONDS,
      successThreshold = 2,
      failOn = {CatalogUnavailableException.class, TimeoutException.class})
  @CircuitBreakerName(BREAKER)
  Map<UUID, ProductView> products(Collection<UUID> ids, String requestId, String traceparent) {
    String query =
        ids.stream().map(UUID::toString).collect(java.util.stream.Collectors.joining(","));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(catalog.next() + "/internal/v1/products/lookup?ids=" + query))
            .timeout(BACKSTOP)
            .header("Accept", "application/json")
            .GET();
    if (requestId != null) {
      request.header(Correlation.REQUEST_ID_HEADER, requestId);
    }
    if (traceparent != null) {
      request.header(Correlation.TRACEPARENT_HEADER, traceparent);
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new CatalogUnavailableException("catalog could not be reached: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CatalogUnavailableException("call to catalog was interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new CatalogUnavailableException(
          "catalog answered " + response.statusCode() + " for a product lookup");
    }
    try {
      ProductPage page = json.readValue(response.body(), ProductPage.class);
      Map<UUID, ProductView> found = new HashMap<>();
      for (ProductView p : page.items()) {
        if (p.id() == null || p.price() == null || p.name() == null) {
          throw new CatalogUnavailableException("catalog sent a product without id, name or price");
        }
        found.put(p.id(), p);
      }
      return found;
    } catch (IOException e) {
      throw new CatalogUnavailableException("catalog sent an unreadable product lookup", e);
    }
  }
}
