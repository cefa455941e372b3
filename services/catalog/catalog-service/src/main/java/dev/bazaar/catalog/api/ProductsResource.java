package dev.bazaar.catalog.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.domain.Product;
import dev.bazaar.catalog.domain.ProductSearch;
import dev.bazaar.catalog.persistence.ProductRepository;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.paging.PageRequest;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Public product listing, search and lookup (with strong ETags, so the gateway can revalidate its
 * cache), and the admin's writes.
 */
@Path("/api/v1/products")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Products", description = "The catalog: public reads, admin writes")
public class ProductsResource {

  private static final String PRODUCT_EXAMPLE =
      "{\"id\":\"6c1f0e2a-8a47-4c1e-9d55-1b7f3f2a9c01\",\"name\":\"Espresso cup\","
          + "\"description\":\"Porcelain, 80 ml\",\"price\":{\"amount\":1250,"
          + "\"currency\":\"EUR\"},\"stock\":40}";
  private static final String REQUEST_EXAMPLE =
      "{\"name\":\"Espresso cup\",\"description\":\"Porcelain, 80 ml\","
          + "\"price\":{\"amount\":1250,\"currency\":\"EUR\"},\"stock\":40}";

  static final String ADMIN = "admin";

  // UUID.fromString accepts forms like "1-1-1-1-1"; only the canonical form names a product.
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  @Inject DataSource dataSource;
  @Inject ProductRepository products;
  @Inject ObjectMapper json;

  @GET
  @Operation(
      operationId = "listProducts",
      summary = "List or search products, one page at a time",
      description =
          "Paged like every list: page from 0, size 1 to 100 (default 20); total counts every"
              + " match. q searches names and descriptions.")
  @Parameter(
      name = "q",
      in = ParameterIn.QUERY,
      description = "Search text (names and descriptions)",
      schema = @Schema(type = SchemaType.STRING))
  @Parameter(
      name = "page",
      in = ParameterIn.QUERY,
      description = "Page number, from 0",
      schema = @Schema(type = SchemaType.INTEGER, minimum = "0", defaultValue = "0"))
  @Parameter(
      name = "size",
      in = ParameterIn.QUERY,
      description = "Items per page, 1 to 100",
      schema =
          @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "20"))
  @APIResponse(
      responseCode = "200",
      description = "One page of products, with a strong ETag",
      headers = @Header(name = "ETag", ref = "ETag"),
      content = @Content(schema = @Schema(implementation = ProductPage.class)))
  @APIResponse(
      responseCode = "304",
      description = "If-None-Match named the current ETag",
      headers = @Header(name = "ETag", ref = "ETag"))
  @APIResponse(
      responseCode = "400",
      description = "page or size is not a number in range, or q is too long")
  public Response list(
      @Context UriInfo uri,
      @Parameter(description = "An ETag from an earlier answer (answered 304 if still current)")
          @HeaderParam(HttpHeaders.IF_NONE_MATCH)
          String ifNoneMatch) {
    MultivaluedMap<String, String> query = uri.getQueryParameters();
    String q = PageRequest.first(query, "q");
    String page = PageRequest.first(query, "page");
    String size = PageRequest.first(query, "size");
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
  @Operation(operationId = "getProduct", summary = "One product")
  @APIResponse(
      responseCode = "200",
      description = "The product, with a strong ETag",
      headers = @Header(name = "ETag", ref = "ETag"),
      content =
          @Content(
              schema = @Schema(implementation = ProductView.class),
              examples = @ExampleObject(name = "cup", value = PRODUCT_EXAMPLE)))
  @APIResponse(
      responseCode = "304",
      description = "If-None-Match named the current ETag",
      headers = @Header(name = "ETag", ref = "ETag"))
  @APIResponse(responseCode = "404", description = "No product with this id")
  public Response get(
      @Parameter(
              description = "The product's id",
              schema = @Schema(type = SchemaType.STRING, format = "uuid"))
          @PathParam("id")
          String id,
      @Parameter(description = "An ETag from an earlier answer (answered 304 if still current)")
          @HeaderParam(HttpHeaders.IF_NONE_MATCH)
          String ifNoneMatch) {
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
  @Operation(
      operationId = "createProduct",
      summary = "Add a product (admin)",
      description = "Needs a token whose groups include admin.")
  @RequestBody(
      required = true,
      content =
          @Content(
              schema = @Schema(implementation = ProductRequest.class),
              examples = @ExampleObject(name = "cup", value = REQUEST_EXAMPLE)))
  @APIResponse(
      responseCode = "201",
      description = "Created; Location names the product",
      headers = @Header(name = "Location", ref = "Location"),
      content =
          @Content(
              schema = @Schema(implementation = ProductView.class),
              examples = @ExampleObject(name = "cup", value = PRODUCT_EXAMPLE)))
  @APIResponse(responseCode = "400", description = "A field is missing or invalid")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "403", description = "The token is not an admin's")
  @APIResponse(responseCode = "415", description = "The body is not application/json")
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
  @Operation(
      operationId = "replaceProduct",
      summary = "Replace a product (admin)",
      description = "Needs a token whose groups include admin.")
  @APIResponse(
      responseCode = "200",
      description = "The product as it is now",
      content = @Content(schema = @Schema(implementation = ProductView.class)))
  @APIResponse(responseCode = "400", description = "A field is missing or invalid")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "403", description = "The token is not an admin's")
  @APIResponse(responseCode = "404", description = "No product with this id")
  @APIResponse(responseCode = "415", description = "The body is not application/json")
  public ProductView replace(
      @Parameter(
              description = "The product's id",
              schema = @Schema(type = SchemaType.STRING, format = "uuid"))
          @PathParam("id")
          String id,
      @RequestBody(
              required = true,
              content =
                  @Content(
                      schema = @Schema(implementation = ProductRequest.class),
                      examples = @ExampleObject(name = "cup", value = REQUEST_EXAMPLE)))
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
  @Operation(
      operationId = "setProductStock",
      summary = "Set a product's available quantity (admin)",
      description = "Needs a token whose groups include admin.")
  @APIResponse(
      responseCode = "200",
      description = "The product as it is now",
      content = @Content(schema = @Schema(implementation = ProductView.class)))
  @APIResponse(responseCode = "400", description = "stock is missing or out of range")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "403", description = "The token is not an admin's")
  @APIResponse(responseCode = "404", description = "No product with this id")
  @APIResponse(responseCode = "415", description = "The body is not application/json")
  public ProductView setStock(
      @Parameter(
              description = "The product's id",
              schema = @Schema(type = SchemaType.STRING, format = "uuid"))
          @PathParam("id")
          String id,
      @RequestBody(
              required = true,
              content =
                  @Content(
                      schema = @Schema(implementation = StockRequest.class),
                      examples = @ExampleObject(name = "forty", value = "{\"stock\":40}")))
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
