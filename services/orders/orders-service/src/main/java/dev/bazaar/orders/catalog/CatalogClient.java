package dev.bazaar.orders.catalog;

import dev.bazaar.catalog.api.ProductView;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.web.Correlation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

/**
 * What orders asks of catalog. The timeout, retry and circuit breaker live on the package-private
 * {@link CatalogHttp}; this class forwards the request's correlation headers and turns every way
 * catalog can fail into a 503 {@code upstream-unavailable} problem with Retry-After.
 */
@ApplicationScoped
public class CatalogClient {

  private static final Logger LOG = Logger.getLogger(CatalogClient.class);

  @Inject CatalogHttp http;

  /**
   * The products of an order as catalog has them now, in one call; unknown ids are absent.
   *
   * @throws ProblemException 503 upstream-unavailable when catalog cannot answer
   */
  public java.util.Map<UUID, ProductView> products(java.util.Collection<UUID> ids) {
    try {
      return http.products(ids, Correlation.currentRequestId(), Correlation.currentTraceparent());
    } catch (CircuitBreakerOpenException e) {
      throw unavailable("catalog is failing; calls to it are paused for a few seconds", e);
    } catch (TimeoutException e) {
      throw unavailable("catalog did not answer in time", e);
    } catch (CatalogUnavailableException e) {
      throw unavailable("catalog could not price the order", e);
    }
  }

  private static ProblemException unavailable(String detail, RuntimeException cause) {
    LOG.warnf("catalog unavailable: %s (%s)", detail, cause.getMessage());
    return ProblemException.upstreamUnavailable("catalog", detail);
  }
}
