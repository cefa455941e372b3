package dev.bazaar.catalog.api;

import dev.bazaar.catalog.domain.Product;
import dev.bazaar.catalog.domain.ProductSearch;
import dev.bazaar.catalog.persistence.ProductRepository;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.problem.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Public product listing, search and lookup. */
@Path("/api/v1/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductsResource {

  // UUID.fromString accepts forms like "1-1-1-1-1"; only the canonical form names a product.
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  @Inject DataSource dataSource;
  @Inject ProductRepository products;

  @GET
  public ProductPage list(
      @QueryParam("q") String q, @QueryParam("page") String page, @QueryParam("size") String size) {
    ProductSearch search = ListingParams.parse(q, page, size);
    ProductRepository.Slice slice = Tx.run(dataSource, c -> products.search(c, search));
    return new ProductPage(
        slice.items().stream().map(ProductsResource::view).toList(),
        search.page(),
        search.size(),
        slice.total());
  }

  @GET
  @Path("/{id}")
  public ProductView get(@PathParam("id") String id) {
    if (id == null || !UUID_TEXT.matcher(id).matches()) {
      throw ProblemException.notFound("no product with this id");
    }
    UUID productId = UUID.fromString(id);
    return Tx.run(dataSource, c -> products.findById(c, productId))
        .map(ProductsResource::view)
        .orElseThrow(() -> ProblemException.notFound("no product with id " + productId));
  }

  static ProductView view(Product p) {
    return new ProductView(
        p.id(), p.name(), p.description(), new Money(p.priceAmount(), p.currency()), p.stock());
  }
}
