package dev.bazaar.orders.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.ProductView;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.orders.catalog.CatalogClient;
import dev.bazaar.orders.config.OrdersConfig;
import dev.bazaar.orders.domain.Decision;
import dev.bazaar.orders.domain.IllegalTransitionException;
import dev.bazaar.orders.domain.Line;
import dev.bazaar.orders.domain.Order;
import dev.bazaar.orders.domain.OrderRejectedException;
import dev.bazaar.orders.persistence.EventStore;
import dev.bazaar.orders.persistence.IdempotencyKeys;
import dev.bazaar.orders.persistence.OrderRepository;
import dev.bazaar.orders.saga.SagaRunner;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** Placing and cancelling an order and reading the caller's own orders. */
@Path("/api/v1/orders")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class OrdersResource {

  /** Longest accepted {@code Idempotency-Key}. */
  public static final int MAX_KEY_LENGTH = 255;

  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  @Inject DataSource dataSource;
  @Inject OrderRepository orders;
  @Inject IdempotencyKeys keys;
  @Inject SagaRunner runner;
  @Inject CatalogClient catalog;
  @Inject Messaging messaging;
  @Inject OrdersConfig config;
  @Inject ObjectMapper json;
  @Inject JsonWebToken jwt;
  @Inject Clock clock;

  /**
   * Prices every line from catalog, then stores the order's first event, its read-model row, the
   * OrderPlaced event and the saga's first command (ReserveStock) in one transaction, and answers
   * 202: the order is PENDING until the saga ends. With an {@code Idempotency-Key} the key is
   * inserted in that same transaction, so two concurrent requests with one key create one order and
   * the loser replays the winner's response.
   */
  @POST
  @Parameter(
      name = IDEMPOTENCY_KEY,
      in = ParameterIn.HEADER,
      description =
          "1..255 characters, per customer: the same key and request replay the first answer",
      schema = @Schema(type = SchemaType.STRING, maxLength = MAX_KEY_LENGTH))
  public Response place(PlaceOrderRequest body, @Context HttpHeaders headers) {
    UUID customerId = customer();
    // Read from the raw headers: a present but empty header must be a 400, not "no key".
    String key = idempotencyKey(headers.getRequestHeaders().get(IDEMPOTENCY_KEY));
    PlaceOrderRequest.Valid valid = PlaceOrderRequest.validate(body);
    String requestHash = sha256(valid.canonical());
    if (key != null) {
      Optional<IdempotencyKeys.Entry> seen = Tx.run(dataSource, c -> keys.find(c, customerId, key));
      if (seen.isPresent()) {
        return replay(seen.get(), requestHash);
      }
    }

    List<Line> lines = price(valid.items());
    UUID orderId = UUID.randomUUID();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Decision placement;
    try {
      placement =
          Order.place(
              orderId, customerId, lines, valid.paymentToken(), now, config.saga().timeouts());
    } catch (OrderRejectedException e) {
      throw ProblemException.unprocessable(e.reason(), e.getMessage());
    }
    String response = write(OrderRepository.view(Order.replay(orderId, placement.events())));
    try {
      Tx.run(
          dataSource,
          c -> {
            if (key != null) {
              keys.insert(
                  c,
                  customerId,
                  key,
                  new IdempotencyKeys.Entry(requestHash, orderId, response),
                  now);
            }
            runner.place(c, orderId, placement);
            return null;
          });
    } catch (RuntimeException e) {
      if (key == null || !Tx.isUniqueViolation(e)) {
        throw e;
      }
      // A concurrent request with the same key committed first: answer as it was answered.
      IdempotencyKeys.Entry first =
          Tx.run(dataSource, c -> keys.find(c, customerId, key)).orElseThrow(() -> e);
      return replay(first, requestHash);
    }
    messaging.flush();
    return accepted(orderId, response);
  }

  /**
   * Cancels a pending order: the compensations of every step reached are sent and the order becomes
   * CANCELLED (CANCELLED_BY_CUSTOMER) once they are acknowledged. A race with a saga reply is
   * decided by the aggregate's expected version, not by a check before acting.
   */
  @POST
  @Path("/{id}/cancel")
  @Consumes(MediaType.WILDCARD)
  public Response cancel(@PathParam("id") String id) {
    UUID customerId = customer();
    UUID orderId = orderId(id);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    OrderView view;
    try {
      view =
          Tx.run(
              dataSource,
              c -> {
                if (orders.findOwned(c, orderId, customerId).isEmpty()) {
                  throw ProblemException.notFound("no order " + orderId);
                }
                return runner
                    .update(c, orderId, o -> o.cancel(now, config.saga().timeouts()))
                    .map(outcome -> OrderRepository.view(outcome.order()))
                    .orElseThrow(() -> ProblemException.notFound("no order " + orderId));
              });
    } catch (IllegalTransitionException e) {
      throw ProblemException.conflict(e.getMessage());
    } catch (EventStore.ConcurrentChangeException e) {
      throw ProblemException.conflict(
          "order " + orderId + " is changing right now; ask again in a moment");
    }
    messaging.flush();
    return Response.status(Response.Status.ACCEPTED).entity(view).build();
  }

  @GET
  @Path("/{id}")
  public OrderView get(@PathParam("id") String id) {
    UUID customerId = customer();
    UUID orderId = orderId(id);
    return Tx.run(dataSource, c -> orders.findOwned(c, orderId, customerId))
        .orElseThrow(() -> ProblemException.notFound("no order " + orderId));
  }

  @GET
  public OrderPage mine(@QueryParam("page") String page, @QueryParam("size") String size) {
    UUID customerId = customer();
    PageParams params = PageParams.parse(page, size);
    OrderRepository.Slice slice =
        Tx.run(dataSource, c -> orders.listOwned(c, customerId, params.offset(), params.size()));
    return new OrderPage(slice.items(), params.page(), params.size(), slice.total());
  }

  private List<Line> price(List<PlaceOrderRequest.Wanted> wanted) {
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
    return lines;
  }

  /** The first response to this key when the request is the same; 422 when it is not. */
  private static Response replay(IdempotencyKeys.Entry first, String requestHash) {
    if (!first.requestHash().equals(requestHash)) {
      throw ProblemException.unprocessable(
          "idempotency-key-reused",
          "this Idempotency-Key was already used for a different order request (order "
              + first.orderId()
              + "); use a new key for a new order");
    }
    return accepted(first.orderId(), first.response());
  }

  private static Response accepted(UUID orderId, String body) {
    // Relative on purpose: behind the gateway this service's own host and port mean nothing to
    // the client.
    return Response.status(Response.Status.ACCEPTED)
        .header("Location", "/api/v1/orders/" + orderId)
        .type(MediaType.APPLICATION_JSON)
        .entity(body)
        .build();
  }

  private static String idempotencyKey(List<String> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ProblemException.validation(
          IDEMPOTENCY_KEY,
          "Idempotency-Key must be sent once, but was sent " + values.size() + " times");
    }
    String raw = values.get(0) == null ? "" : values.get(0);
    if (raw.isEmpty() || raw.length() > MAX_KEY_LENGTH) {
      throw ProblemException.validation(
          "Idempotency-Key",
          "Idempotency-Key must be between 1 and "
              + MAX_KEY_LENGTH
              + " characters long, but was "
              + raw.length());
    }
    return raw;
  }

  private static UUID orderId(String id) {
    // Someone else's order and a malformed id look the same as a missing one: no enumeration.
    if (id == null || !UUID_TEXT.matcher(id).matches()) {
      throw ProblemException.notFound("no such order");
    }
    return UUID.fromString(id);
  }

  private String write(OrderView view) {
    try {
      return json.writeValueAsString(view);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private UUID customer() {
    try {
      return UUID.fromString(jwt.getSubject());
    } catch (RuntimeException e) {
      throw ProblemException.unauthorized("the token's subject is not a customer id");
    }
  }
}
