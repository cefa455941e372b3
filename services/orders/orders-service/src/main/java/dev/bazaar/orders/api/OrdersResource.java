package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.ProductView;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.outbox.Topology;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.orders.catalog.CatalogClient;
import dev.bazaar.orders.domain.Line;
import dev.bazaar.orders.domain.Order;
import dev.bazaar.orders.domain.OrderRejectedException;
import dev.bazaar.orders.persistence.OrderRepository;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Placing an order and reading the caller's own orders. */
@Path("/api/v1/orders")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OrdersResource {

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  @Inject DataSource dataSource;
  @Inject OrderRepository orders;
  @Inject CatalogClient catalog;
  @Inject Messaging messaging;
  @Inject JsonWebToken jwt;
  @Inject Clock clock;

  /**
   * Prices every line from catalog, then stores the order and its OrderPlaced event in one
   * transaction. Nothing is written unless every product was priced.
   */
  @POST
  public Response place(PlaceOrderRequest body) {
    UUID customerId = customer();
    List<PlaceOrderRequest.Wanted> wanted = PlaceOrderRequest.validate(body);

    List<Line> lines = new ArrayList<>(wanted.size());
    List<UUID> unknown = new ArrayList<>();
    for (PlaceOrderRequest.Wanted w : wanted) {
      Optional<ProductView> product = catalog.product(w.productId());
      if (product.isEmpty()) {
        unknown.add(w.productId());
      } else {
        lines.add(
            new Line(w.productId(), product.get().name(), w.quantity(), product.get().price()));
      }
    }
    if (!unknown.isEmpty()) {
      throw ProblemException.unprocessable(
          "unknown-product",
          (unknown.size() == 1 ? "unknown product " : "unknown products ")
              + String.join(", ", unknown.stream().map(UUID::toString).toList()));
    }

    Order.Placement placement;
    try {
      placement =
          Order.place(
              UUID.randomUUID(), customerId, lines, clock.instant().truncatedTo(ChronoUnit.MICROS));
    } catch (OrderRejectedException e) {
      throw ProblemException.unprocessable(e.reason(), e.getMessage());
    }
    Order order = placement.order();
    Tx.run(
        dataSource,
        c -> {
          orders.insert(c, order);
          messaging.publish(
              c,
              Topology.EVENTS_EXCHANGE,
              OrdersContract.ORDER_PLACED,
              OrdersContract.ORDER_PLACED_TYPE,
              OrdersContract.ORDER_PLACED_VERSION,
              placement.event());
          return null;
        });
    messaging.flush();
    // Relative on purpose: behind the gateway this service's own host and port mean nothing to
    // the client (Response.created would make the URI absolute against them).
    return Response.status(Response.Status.CREATED)
        .header("Location", "/api/v1/orders/" + order.id())
        .entity(view(order))
        .build();
  }

  @GET
  @Path("/{id}")
  public OrderView get(@PathParam("id") String id) {
    UUID customerId = customer();
    // Someone else's order and a malformed id look the same as a missing one: no enumeration.
    if (id == null || !UUID_TEXT.matcher(id).matches()) {
      throw ProblemException.notFound("no such order");
    }
    UUID orderId = UUID.fromString(id);
    return Tx.run(dataSource, c -> orders.findOwned(c, orderId, customerId))
        .map(OrdersResource::view)
        .orElseThrow(() -> ProblemException.notFound("no order " + orderId));
  }

  @GET
  public OrderPage mine(@QueryParam("page") String page, @QueryParam("size") String size) {
    UUID customerId = customer();
    PageParams params = PageParams.parse(page, size);
    OrderRepository.Slice slice =
        Tx.run(dataSource, c -> orders.listOwned(c, customerId, params.offset(), params.size()));
    return new OrderPage(
        slice.items().stream().map(OrdersResource::view).toList(),
        params.page(),
        params.size(),
        slice.total());
  }

  static OrderView view(Order order) {
    return new OrderView(
        order.id(),
        order.status().name(),
        null,
        order.contractLines(),
        order.total(),
        order.createdAt(),
        java.util.List.of());
  }

  private UUID customer() {
    try {
      return UUID.fromString(jwt.getSubject());
    } catch (RuntimeException e) {
      throw ProblemException.unauthorized("the token's subject is not a customer id");
    }
  }
}
