package dev.bazaar.chassis.admin;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.bazaar.chassis.config.ChassisConfig;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.paging.PageRequest;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.problem.Validator;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * A service's messaging as an operator sees it, at {@code /api/v1/admin/<service>/messaging}: its
 * outbox backlog (rows not yet published, the age of the oldest, the last error), the queues it
 * consumes (depth, consumers, handled per minute from the inbox), and the messages it parked, which
 * can be replayed to their queue or discarded. Admin only; the gateway checks the role as well.
 *
 * <p>The overview shows the first {@link #LIST_LIMIT} parked messages of each queue; {@code GET
 * .../parked} pages through every one like every other list (docs/api.md, "Paging").
 */
@Path("/api/v1/admin/{service}/messaging")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Singleton
public class MessagingAdminResource {

  /** Parked messages the overview shows per queue at most; {@code /parked} pages through all. */
  static final int LIST_LIMIT = PageRequest.MAX_SIZE;

  public record OutboxStats(
      long backlog,
      Instant oldestUnsentAt,
      Long oldestUnsentAgeMillis,
      String lastError,
      long publishedLastMinute) {}

  public record QueueView(
      String name,
      boolean exists,
      long depth,
      int consumers,
      long parked,
      long handledLastMinute,
      @Schema(
              description =
                  "The first 100 messages parked from this queue, oldest first; parked counts"
                      + " them all, and GET .../messaging/parked pages through every one")
          List<ParkedMessages.Parked> parkedMessages) {}

  /** One page of parked messages, answered like every list: {@code {items, page, size, total}}. */
  public record ParkedPage(
      List<ParkedMessages.Parked> items,
      int page,
      int size,
      @Schema(description = "How many messages are parked (on the queue asked for, or on all)")
          long total) {}

  public record MessagingView(
      String service, Instant asOf, OutboxStats outbox, List<QueueView> queues) {}

  public record Replayed(String id, String queue) {}

  @Inject DataSource dataSource;
  @Inject ChassisConfig.Amqp amqp;
  @Inject AdminConfig config;

  @ConfigProperty(name = "quarkus.application.name", defaultValue = "bazaar")
  String applicationName;

  private Connection connection;

  @GET
  @Operation(
      operationId = "getMessaging",
      summary = "The service's outbox backlog, queues and parked messages (admin)")
  public MessagingView messaging(@PathParam("service") String service) {
    own(service);
    OutboxStats outbox = outbox();
    List<QueueView> queues = new ArrayList<>();
    for (String queue : config.queues().orElse(List.of())) {
      queues.add(queue(queue));
    }
    return new MessagingView(applicationName, Instant.now(), outbox, queues);
  }

  /**
   * Every parked message, one page at a time. The parameters are read raw from the URI so that
   * "abc" or an empty value is a 400 naming it (see {@link PageRequest}).
   */
  @GET
  @Path("/parked")
  @Operation(
      operationId = "listParkedMessages",
      summary = "The messages the service parked, one page at a time (admin)",
      description =
          "Paged like every list: page from 0, size 1 to 100 (default 20); total counts every"
              + " parked message, so pages 0 .. ceil(total/size) - 1 hold them all. Queue by"
              + " queue (in the order of bazaar.admin.queues), oldest first within a queue."
              + " Listing takes nothing away. A message parked meanwhile shifts later pages by"
              + " one; one replayed or discarded meanwhile shifts them back. Needs a token whose"
              + " groups include admin.")
  @Parameter(
      name = "queue",
      in = ParameterIn.QUERY,
      description = "Only the messages parked from this consumed queue (default: every one)",
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
      description = "One page of parked messages",
      content = @Content(schema = @Schema(implementation = ParkedPage.class)))
  @APIResponse(
      responseCode = "400",
      description = "page or size is not a number in range, or queue is not consumed here")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  @APIResponse(responseCode = "403", description = "The token is not an admin's")
  @APIResponse(responseCode = "404", description = "The path names another service")
  @APIResponse(responseCode = "503", description = "The message broker could not be reached")
  public ParkedPage parked(@PathParam("service") String service, @Context UriInfo uri) {
    own(service);
    MultivaluedMap<String, String> query = uri.getQueryParameters();
    List<String> consumed = config.queues().orElse(List.of());
    String queue = PageRequest.first(query, "queue");
    Validator v = new Validator();
    PageRequest request = PageRequest.read(v, query);
    v.require(
        queue == null || consumed.contains(queue),
        "queue",
        "queue must be one of the queues "
            + applicationName
            + " consumes ("
            + String.join(", ", consumed)
            + "), but was '"
            + (queue != null && queue.length() > 60 ? queue.substring(0, 60) + "..." : queue)
            + "'");
    v.throwIfInvalid();
    try {
      ParkedMessages.Page page =
          new ParkedMessages(connection()).page(queue == null ? consumed : List.of(queue), request);
      return new ParkedPage(page.items(), request.page(), request.size(), page.total());
    } catch (IOException e) {
      throw brokerUnavailable(e);
    }
  }

  @POST
  @Path("/parked/{queue}/{id}/replay")
  @Operation(
      operationId = "replayParkedMessage",
      summary = "Sends a parked message back to its queue with its attempts reset (admin)")
  public Replayed replay(
      @PathParam("service") String service,
      @PathParam("queue") String queue,
      @PathParam("id") String id) {
    own(service);
    consumed(queue);
    try {
      return new Replayed(id, new ParkedMessages(connection()).replay(queue, id));
    } catch (ParkedMessages.NotParked e) {
      throw new ProblemException(404, "not-found", "Not found", e.getMessage());
    } catch (IOException e) {
      throw brokerUnavailable(e);
    }
  }

  @DELETE
  @Path("/parked/{queue}/{id}")
  @Operation(operationId = "discardParkedMessage", summary = "Deletes a parked message (admin)")
  public void discard(
      @PathParam("service") String service,
      @PathParam("queue") String queue,
      @PathParam("id") String id) {
    own(service);
    consumed(queue);
    try {
      new ParkedMessages(connection()).discard(queue, id);
    } catch (ParkedMessages.NotParked e) {
      throw new ProblemException(404, "not-found", "Not found", e.getMessage());
    } catch (IOException e) {
      throw brokerUnavailable(e);
    }
  }

  private QueueView queue(String queue) {
    long handled = handledLastMinute(queue);
    try {
      ParkedMessages parked = new ParkedMessages(connection());
      ParkedMessages.QueueStats stats = parked.stats(queue);
      ParkedMessages.QueueStats parkedStats = parked.stats(queue + ParkedMessages.PARKED_SUFFIX);
      return new QueueView(
          queue,
          stats != null,
          stats == null ? 0 : stats.depth(),
          stats == null ? 0 : stats.consumers(),
          parkedStats == null ? 0 : parkedStats.depth(),
          handled,
          parked.list(queue, LIST_LIMIT));
    } catch (IOException e) {
      throw brokerUnavailable(e);
    }
  }

  private OutboxStats outbox() {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT count(*) FILTER (WHERE sent_at IS NULL),"
                          + " min(occurred_at) FILTER (WHERE sent_at IS NULL),"
                          + " count(*) FILTER (WHERE sent_at > now() - interval '1 minute'),"
                          + " (SELECT last_error FROM outbox WHERE sent_at IS NULL"
                          + "  AND last_error IS NOT NULL ORDER BY occurred_at LIMIT 1)"
                          + " FROM outbox WHERE sent_at IS NULL OR sent_at > now() - interval '1"
                          + " minute'");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp oldest = rs.getTimestamp(2);
            Instant oldestAt = oldest == null ? null : oldest.toInstant();
            return new OutboxStats(
                rs.getLong(1),
                oldestAt,
                oldestAt == null ? null : Duration.between(oldestAt, Instant.now()).toMillis(),
                rs.getString(4),
                rs.getLong(3));
          }
        });
  }

  private long handledLastMinute(String queue) {
    return Tx.run(
        dataSource,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM inbox WHERE consumer = ?"
                      + " AND received_at > now() - interval '1 minute'")) {
            ps.setString(1, applicationName + ":" + queue);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  private void own(String service) {
    if (!applicationName.equals(service)) {
      throw new ProblemException(
          404, "not-found", "Not found", "This is " + applicationName + ", not " + service + ".");
    }
  }

  private void consumed(String queue) {
    if (!config.queues().orElse(List.of()).contains(queue)) {
      throw new ProblemException(
          404,
          "not-found",
          "Not found",
          applicationName + " does not consume a queue named '" + queue + "'.");
    }
  }

  /** One connection for admin calls, opened on first use: the consumers' channels stay apart. */
  private synchronized Connection connection() throws IOException {
    if (connection == null || !connection.isOpen()) {
      ConnectionFactory factory = new ConnectionFactory();
      try {
        factory.setUri(amqp.url());
        factory.setConnectionTimeout(5_000);
        connection = factory.newConnection(applicationName + "-admin");
      } catch (TimeoutException
          | java.net.URISyntaxException
          | java.security.GeneralSecurityException e) {
        throw new IOException("cannot connect to the broker: " + e.getMessage(), e);
      }
    }
    return connection;
  }

  /** A lifecycle callback, not an observer: the class's admin check would refuse the shutdown. */
  @PreDestroy
  void close() {
    synchronized (this) {
      if (connection != null) {
        try {
          connection.close(2_000);
        } catch (IOException | RuntimeException e) {
          // Shutting down: the broker drops the connection anyway.
        }
      }
    }
  }

  private static ProblemException brokerUnavailable(IOException e) {
    return new ProblemException(
        503,
        "upstream-unavailable",
        "Service Unavailable",
        "The message broker could not be reached: " + e.getMessage());
  }
}
