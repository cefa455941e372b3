package dev.bazaar.notifications.api;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.chassis.problem.Validator;
import dev.bazaar.notifications.config.NotificationsConfig;
import dev.bazaar.notifications.persistence.NotificationRepository;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The caller's notifications. */
@Path("/api/v1/notifications")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationsResource {

  @Inject DataSource dataSource;
  @Inject NotificationRepository notifications;
  @Inject NotificationsConfig config;
  @Inject JsonWebToken jwt;

  /**
   * Newest first, only the caller's own; optional query parameter {@code limit}. It is read raw
   * from the URI so that "abc" is a 400 naming it (not the 404 JAX-RS gives for an unconvertible
   * {@code @QueryParam}) and an empty {@code ?limit=} is a 400 too (a {@code @QueryParam} sees it
   * as absent).
   */
  @GET
  @Authenticated
  public NotificationList list(@Context UriInfo uri) {
    int pageSize = limit(uri.getQueryParameters().getFirst("limit"));
    UUID caller = subject(jwt);
    return new NotificationList(
        Tx.run(dataSource, c -> notifications.newestFor(c, caller, pageSize)));
  }

  private int limit(String raw) {
    if (raw == null) {
      return config.defaultLimit();
    }
    Integer value;
    try {
      value = Integer.valueOf(raw.strip());
    } catch (NumberFormatException e) {
      value = null;
    }
    Validator v = new Validator();
    if (value == null) {
      v.require(
          false,
          "limit",
          "limit must be a whole number between 1 and "
              + config.maxLimit()
              + ", but was '"
              + raw
              + "'");
    } else {
      v.range("limit", value, 1, config.maxLimit());
    }
    v.throwIfInvalid();
    return value;
  }

  static UUID subject(JsonWebToken jwt) {
    try {
      return UUID.fromString(jwt.getSubject());
    } catch (RuntimeException e) {
      throw ProblemException.unauthorized("the token's subject is not a user id");
    }
  }
}
