package dev.bazaar.catalog.api;

import dev.bazaar.catalog.persistence.ProductRepository;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Several products by id in one call, for other services (orders prices an order with it); under
 * /internal, which the gateway does not route, so it is neither public nor in the public API
 * document: {@code GET /internal/v1/products/lookup?ids=<uuid>,<uuid>} (at most {@value #MAX_IDS}).
 * Orders prices a whole order with it; unknown ids are simply absent from the answer, which is a
 * page of exactly the products found.
 */
@Path("/internal/v1/products/lookup")
@Produces(MediaType.APPLICATION_JSON)
public class ProductLookupResource {

  /** Most ids one lookup takes: an order's most lines. */
  public static final int MAX_IDS = 50;

  @Inject DataSource dataSource;
  @Inject ProductRepository products;

  @GET
  @org.eclipse.microprofile.openapi.annotations.Operation(
      operationId = "lookupProducts",
      summary = "Several products by id in one call (at most 50); unknown ids are left out")
  @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(
      responseCode = "200",
      description = "The known products among the ids")
  @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(
      responseCode = "400",
      description = "ids missing, not UUIDs, or more than 50")
  public ProductPage lookup(@QueryParam("ids") String ids) {
    Set<UUID> wanted = parse(ids);
    List<ProductView> found =
        Tx.run(dataSource, c -> products.findByIds(c, wanted)).stream()
            .map(ProductsResource::view)
            .toList();
    return new ProductPage(found, 0, Math.max(1, found.size()), found.size());
  }

  static Set<UUID> parse(String ids) {
    if (ids == null || ids.isBlank()) {
      throw ProblemException.validation("ids", "ids must name 1 to " + MAX_IDS + " product ids");
    }
    Set<UUID> out = new LinkedHashSet<>();
    List<String> bad = new ArrayList<>();
    for (String raw : ids.split(",")) {
      try {
        out.add(UUID.fromString(raw.trim()));
      } catch (IllegalArgumentException e) {
        bad.add(raw.trim());
      }
    }
    if (!bad.isEmpty()) {
      throw ProblemException.validation("ids", "ids must be UUIDs, but got " + bad);
    }
    if (out.size() > MAX_IDS) {
      throw ProblemException.validation(
          "ids", "ids must name at most " + MAX_IDS + " products, but named " + out.size());
    }
    return out;
  }
}
