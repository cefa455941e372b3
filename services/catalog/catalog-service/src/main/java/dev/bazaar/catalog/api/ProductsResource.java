package dev.bazaar.catalog.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.domain.Product;
import dev.bazaar.catalog.domain.ProductSearch;
import dev.bazaar.catalog.persistence.ProductRepository;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Public product listing, search and lookup (with strong ETags, so the gateway can revalidate its
 * cache), and the admin's writes.
 */
@Path("/api/v1/products")
@Produces(MediaType.APPLICATION_JSON)
public class ProductsResource {

  static final String ADMIN = "admin";

  // UUID.fromString accepts forms like "1-1-1-1-1"; only the canonical form names a product.
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  @Inject DataSource dataSource;
  @Inject ProductRepository products;
  @Inject ObjectMapper json;

  @GET
  @APIResponse(
      responseCode = "200",
      description = "One page of products, with a strong ETag",
      content = @Content(schema = @Schema(implementation = ProductPage.class)))
  @APIResponse(responseCode = "304", description = "If-None-Match named the current ETag")
  public Response list(
      @QueryParam("q") String q,
      @QueryParam("page") String page,
      @QueryParam("size") String size,
      @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
    ProductSearch search = ListingParams.parse(q, page, size);
    ProductRepository.Slice slice = Tx.run(dataSource, c -> products.search(c, search));
    return tagged(
        new ProductPage(
            slice.items().stream().map(ProductsResource::view).toList(),
            search.page(),
            search.size(),
            slice.total()),
        ifNoneMatch);
  }

  @GET
  @Path("/{id}")
  @APIResponse(
      responseCode = "200",
      description = "The product, with a strong ETag",
      content = @Content(schema = @Schema(implementation = ProductView.class)))
  @APIResponse(responseCode = "304", description = "If-None-Match named the current ETag")
  public Response get(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
    UUID productId = productId(id);
    ProductView view =
        Tx.run(dataSource, c -> products.findById(c, productId))
            .map(ProductsResource::view)
            .orElseThrow(() -> ProblemException.notFound("no product with id " + productId));
    return tagged(view, ifNoneMatch);
  }

  @POST
  @RolesAllowed(ADMIN)
  @Consumes(MediaType.APPLICATION_JSON)
  @RequestBody(content = @Content(schema = @Schema(implementation = ProductRequest.class)))
  @APIResponse(
      responseCode = "201",
      description = "Created; Location names the product",
      content = @Content(schema = @Schema(implementation = ProductView.class)))
  public Response create(JsonNode body) {
    ProductRequest request = ProductInput.product(body);
    Product product = product(UUID.randomUUID(), request);
    Tx.run(
        dataSource,
        c -> {
          products.insert(c, product);
          return null;
        });
    return Response.created(URI.create("/api/v1/products/" + product.id()))
        .entity(view(product))
        .build();
  }

  @PUT
  @Path("/{id}")
  @RolesAllowed(ADMIN)
  @Consumes(MediaType.APPLICATION_JSON)
  public ProductView replace(
      @PathParam("id") String id,
      @RequestBody(content = @Content(schema = @Schema(implementation = ProductRequest.class)))
          JsonNode body) {
    UUID productId = productId(id);
    Product product = product(productId, ProductInput.product(body));
    boolean found = Tx.run(dataSource, c -> products.replace(c, product));
    if (!found) {
      throw ProblemException.notFound("no product with id " + productId);
    }
    return view(product);
  }

  @PUT
  @Path("/{id}/stock")
  @RolesAllowed(ADMIN)
  @Consumes(MediaType.APPLICATION_JSON)
  public ProductView setStock(
      @PathParam("id") String id,
      @RequestBody(content = @Content(schema = @Schema(implementation = StockRequest.class)))
          JsonNode body) {
    UUID productId = productId(id);
    int stock = ProductInput.stock(body);
    return Tx.run(dataSource, c -> products.setStock(c, productId, stock))
        .map(ProductsResource::view)
        .orElseThrow(() -> ProblemException.notFound("no product with id " + productId));
  }

  /** The body with its strong ETag, or 304 without a body when the client has it already. */
  private Response tagged(Object entity, String ifNoneMatch) {
    byte[] body;
    try {
      body = json.writeValueAsBytes(entity);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + entity.getClass().getSimpleName(), e);
    }
    String etag = ETags.of(body);
    if (ETags.matches(ifNoneMatch, etag)) {
      return Response.notModified().header(HttpHeaders.ETAG, etag).build();
    }
    return Response.ok(body, MediaType.APPLICATION_JSON_TYPE)
        .header(HttpHeaders.ETAG, etag)
        .build();
  }

  private static UUID productId(String id) {
    if (id == null || !UUID_TEXT.matcher(id).matches()) {
      throw ProblemException.notFound("no product with this id");
    }
    return UUID.fromString(id);
  }

  private static Product product(UUID id, ProductRequest r) {
    return new Product(
        id, r.name(), r.description(), r.price().amount(), r.price().currency(), r.stock());
  }

  static ProductView view(Product p) {
    return new ProductView(
        p.id(), p.name(), p.description(), new Money(p.priceAmount(), p.currency()), p.stock());
  }
}
