package dev.bazaar.notifications.api;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.paging.PageRequest;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.notifications.config.NotificationsConfig;
import dev.bazaar.notifications.persistence.NotificationRepository;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The caller's notifications. */
@Path("/api/v1/notifications")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Notifications", description = "What happened to the caller's account and orders")
public class NotificationsResource {

  @Inject DataSource dataSource;
  @Inject NotificationRepository notifications;
  @Inject NotificationsConfig config;
  @Inject JsonWebToken jwt;

  /**
   * Newest first, only the caller's own, paged like every list ({@link PageRequest}): {@code
   * ?page=&size=}, answered with {@code {items, page, size, total}}. {@code limit}, the size's name
   * before paging existed, is still read when {@code size} is absent. The parameters are read raw
   * from the URI so that "abc" or an empty value is a 400 naming it (a {@code @QueryParam} would
   * make "abc" a 404 and an empty value absent).
   */
  @GET
  @Authenticated
  @Operation(
      operationId = "listNotifications",
      summary = "The caller's notifications, newest first, one page at a time",
      description =
          "Paged like every list: page from 0, size 1 to 100 (default 50); total counts them"
              + " all. New notifications arrive at the front, so reading page after page may show"
              + " one twice but never skips one.")
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
          @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "50"))
  @Parameter(
      name = "limit",
      in = ParameterIn.QUERY,
      deprecated = true,
      description = "The former name of size; read only when size is absent",
      schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100"))
  @APIResponse(
      responseCode = "200",
      description = "One page of the caller's notifications",
      content = @Content(schema = @Schema(implementation = NotificationList.class)))
  @APIResponse(responseCode = "400", description = "page or size is not a number in range")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  public NotificationList list(@Context UriInfo uri) {
    MultivaluedMap<String, String> query = uri.getQueryParameters();
    String size = query.getFirst("size");
    String sizeName = "size";
    if (size == null && query.containsKey("limit")) {
      size = query.getFirst("limit");
      sizeName = "limit";
    }
    PageRequest page =
        PageRequest.parse(
            query.getFirst("page"), sizeName, size, config.defaultLimit(), config.maxLimit());
    UUID caller = subject(jwt);
    return Tx.run(
        dataSource,
        c ->
            new NotificationList(
                notifications.pageFor(c, caller, page.offset(), page.size()),
                page.page(),
                page.size(),
                notifications.countFor(c, caller)));
  }

  static UUID subject(JsonWebToken jwt) {
    try {
      return UUID.fromString(jwt.getSubject());
    } catch (RuntimeException e) {
      throw ProblemException.unauthorized("the token's subject is not a user id");
    }
  }
}
