package dev.bazaar.orders.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.catalog.api.ProductView;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.messaging.Messaging;
import dev.bazaar.chassis.paging.PageRequest;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.orders.catalog.CatalogClient;
import dev.bazaar.orders.changes.OrderChanges;
import dev.bazaar.orders.changes.PreferWait;
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
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
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

/** Placing and cancelling an order and reading the caller's own orders. */
@Path("/api/v1/orders")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Orders", description = "The caller's orders and their saga")
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
  @Inject OrderChanges changes;

  /**
   * Prices every line from catalog, then stores the order's first event, its read-model row, the
   * OrderPlaced event and the saga's first command (ReserveStock) in one transaction, and answers
   * 202: the order is PENDING until the saga ends. With an {@code Idempotency-Key} the key is
   * inserted in that same transaction, so two concurrent requests with one key create one order and
   * the loser replays the winner's response.
   */
  @POST
  @Operation(
      operationId = "placeOrder",
      summary = "Place an order",
      description =
          "Names and prices come from the catalog, never from the client. The order is PENDING"
              + " until the saga (reserve stock, authorize payment, commit stock) makes it"
              + " CONFIRMED or CANCELLED; follow it with GET Location and Prefer: wait, or with"
              + " the events stream.")
  @RequestBody(
      required = true,
      content =
          @Content(
              schema = @Schema(implementation = PlaceOrderRequest.class),
              examples =
                  @ExampleObject(
                      name = "two cups",
                      value =
                          "{\"items\":[{\"productId\":\"6c1f0e2a-8a47-4c1e-9d55-1b7f3f2a9c01\","
                              + "\"quantity\":2}],\"paymentToken\":\"tok_ok\"}")))
  @APIResponse(
      responseCode = "202",
      description =
          "Accepted (PENDING); Location names the order. A repeated Idempotency-Key with the same"
              + " request replays this first answer.",
      headers = @Header(name = "Location", ref = "Location"),
      content = @Content(schema = @Schema(implementation = OrderView.class)))
  @APIResponse(
      responseCode = "400",
      description =
          "A field is missing or invalid (paymentToken, items, quantity, Idempotency-Key)")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "415", description = "The body is not application/json")
  @APIResponse(
      responseCode = "422",
      description =
          "A product is unknown (type .../unknown-product), or the Idempotency-Key was used for"
              + " a different request (.../idempotency-key-reused)")
  @APIResponse(
      responseCode = "503",
      description = "The catalog cannot price the order right now (type .../upstream-unavailable)")
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
  @Operation(
      operationId = "cancelOrder",
      summary = "Cancel a pending order",
      description =
          "The compensations of every step reached are sent; the order becomes CANCELLED"
              + " (CANCELLED_BY_CUSTOMER) once they are acknowledged.")
  @APIResponse(
      responseCode = "202",
      description = "Cancelling: the order as it is now",
      content = @Content(schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "404", description = "No such order of the caller's")
  @APIResponse(
      responseCode = "409",
      description = "The order is already CONFIRMED or CANCELLED, or is changing right now")
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

  /**
   * The caller's order. With {@code Prefer: wait=N} (RFC 7240, N up to {@code longest-wait}) it
   * answers as soon as the order is CONFIRMED or CANCELLED, or after N seconds with its current
   * state, and says {@code Preference-Applied: wait=N}. The wait is woken by the order's commits on
   * any instance ({@link OrderChanges}); it runs on a virtual thread, so a waiting client holds no
   * worker thread.
   */
  @GET
  @Path("/{id}")
  @RunOnVirtualThread
  @Operation(
      operationId = "getOrder",
      summary = "One of the caller's orders",
      description =
          "With Prefer: wait=N the answer waits until the order is CONFIRMED or CANCELLED, or N"
              + " seconds (at most 30), and says Preference-Applied.")
  @APIResponse(
      responseCode = "200",
      description = "The order; Preference-Applied says when it waited",
      headers = @Header(name = "Preference-Applied", ref = "Preference-Applied"),
      content = @Content(schema = @Schema(implementation = OrderView.class)))
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "404", description = "No such order of the caller's")
  @Parameter(
      name = "Prefer",
      in = ParameterIn.HEADER,
      description = "wait=N (RFC 7240): answer once the order is final, or after N <= 30 seconds",
      schema = @Schema(type = SchemaType.STRING))
  public Response get(@PathParam("id") String id, @HeaderParam("Prefer") List<String> prefer)
      throws InterruptedException {
    UUID customerId = customer();
    UUID orderId = orderId(id);
    Optional<Duration> wait = PreferWait.parse(prefer, config.status().longestWait());
    if (wait.isEmpty()) {
      return Response.ok(read(orderId, customerId).view()).build();
    }
    try (OrderChanges.Watch watch = changes.watch(orderId)) {
      OrderRepository.Versioned order = read(orderId, customerId);
      long deadline = System.nanoTime() + wait.get().toNanos();
      long left;
      while (!order.isFinal() && (left = deadline - System.nanoTime()) > 0) {
        if (watch.await(Duration.ofNanos(left))) {
          order = read(orderId, customerId);
        }
      }
      return Response.ok(order.view())
          .header("Preference-Applied", "wait=" + wait.get().toSeconds())
          .build();
    }
  }

  /**
   * The order's saga as Server-Sent Events: {@code state} with the current order, {@code step}
   * after each committed change, {@code final} once it is CONFIRMED or CANCELLED, then the stream
   * ends. Every event's data is the order as {@code GET} shows it and its id the order's version.
   * An idle stream sends a {@code keep-alive} comment every {@code heartbeat}.
   */
  @GET
  @Path("/{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RunOnVirtualThread
  @Operation(
      operationId = "streamOrderEvents",
      summary = "The order's saga as it happens (Server-Sent Events)",
      description =
          "First `event: state` with `id: <version>` and the current order, then `event: step`"
              + " after each committed change, and `event: final` when the order is CONFIRMED or"
              + " CANCELLED; then the stream ends. While idle, a `: keep-alive` comment every"
              + " 15 s. Every event's data is the order as GET shows it.")
  @APIResponse(
      responseCode = "200",
      description = "An event stream of the order's states",
      content =
          @Content(
              mediaType = MediaType.SERVER_SENT_EVENTS,
              schema = @Schema(type = SchemaType.STRING),
              example = "event: state\nid: 1\ndata: {\"id\":\"...\",\"status\":\"PENDING\"}\n\n"))
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "404", description = "No such order of the caller's")
  public Response events(@PathParam("id") String id) {
    UUID customerId = customer();
    UUID orderId = orderId(id);
    // Read before answering, so that someone else's order is a 404 problem, not an empty stream.
    OrderRepository.Versioned first = read(orderId, customerId);
    StreamingOutput stream = out -> stream(out, orderId, customerId, first);
    return Response.ok(stream, MediaType.SERVER_SENT_EVENTS_TYPE)
        .header("Cache-Control", "no-store")
        .header("X-Accel-Buffering", "no")
        .build();
  }

  private void stream(
      OutputStream out, UUID orderId, UUID customerId, OrderRepository.Versioned first)
      throws IOException {
    try (OrderChanges.Watch watch = changes.watch(orderId)) {
      // Re-read after watching: a change between the first read and the watch is not missed.
      OrderRepository.Versioned order = read(orderId, customerId);
      send(out, "state", order);
      if (order.isFinal()) {
        send(out, "final", order);
        return;
      }
      long end = System.nanoTime() + config.status().streamLimit().toNanos();
      Duration heartbeat = config.status().heartbeat();
      while (System.nanoTime() < end) {
        if (!watch.await(heartbeat)) {
          write(out, ": keep-alive\n\n");
          continue;
        }
        OrderRepository.Versioned now = read(orderId, customerId);
        if (now.version() == order.version()) {
          continue;
        }
        order = now;
        if (order.isFinal()) {
          send(out, "final", order);
          return;
        }
        send(out, "step", order);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One event; its id is the order's version, its data the order as GET shows it. */
  private void send(OutputStream out, String name, OrderRepository.Versioned order)
      throws IOException {
    write(
        out,
        "event: "
            + name
            + "\nid: "
            + order.version()
            + "\ndata: "
            + json.writeValueAsString(order.view())
            + "\n\n");
  }

  /** Writes and flushes, so the event leaves now; fails once the client has gone. */
  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private OrderRepository.Versioned read(UUID orderId, UUID customerId) {
    return Tx.run(dataSource, c -> orders.findOwnedVersioned(c, orderId, customerId))
        .orElseThrow(() -> ProblemException.notFound("no order " + orderId));
  }

  @GET
  @Operation(
      operationId = "listOrders",
      summary = "The caller's orders, newest first, one page at a time",
      description =
          "Paged like every list: page from 0, size 1 to 100 (default 20); total counts them"
              + " all.")
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
      description = "One page of the caller's orders",
      content = @Content(schema = @Schema(implementation = OrderPage.class)))
  @APIResponse(responseCode = "400", description = "page or size is not a number in range")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  public OrderPage mine(@Context UriInfo uri) {
    UUID customerId = customer();
    PageRequest params = PageRequest.from(uri.getQueryParameters());
    OrderRepository.Slice slice =
        Tx.run(dataSource, c -> orders.listOwned(c, customerId, params.offset(), params.size()));
    return new OrderPage(slice.items(), params.page(), params.size(), slice.total());
  }

  /** Prices every line from catalog in one call. */
  private List<Line> price(List<PlaceOrderRequest.Wanted> wanted) {
    java.util.Map<UUID, ProductView> products =
        catalog.products(wanted.stream().map(PlaceOrderRequest.Wanted::productId).toList());
    List<Line> lines = new ArrayList<>(wanted.size());
    List<UUID> unknown = new ArrayList<>();
    for (PlaceOrderRequest.Wanted w : wanted) {
      ProductView product = products.get(w.productId());
      if (product == null) {
        unknown.add(w.productId());
      } else {
        lines.add(new Line(w.productId(), product.name(), w.quantity(), product.price()));
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
