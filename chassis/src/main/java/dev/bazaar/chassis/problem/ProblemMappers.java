package dev.bazaar.chassis.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.web.Correlation;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Renders every error a service can raise as RFC 9457 problem+json, never with a stack trace. */
public class ProblemMappers {

  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response problem(ProblemException e, UriInfo uri) {
    return respond(e.status(), e.slug(), e.title(), e.getMessage(), e.errors(), e.headers(), uri);
  }

  @ServerExceptionMapper(priority = 1)
  public Response malformedJson(JsonProcessingException e, UriInfo uri) {
    String detail;
    if (e instanceof UnrecognizedPropertyException u) {
      detail = "unknown field '" + u.getPropertyName() + "'";
    } else if (e instanceof InvalidFormatException f) {
      detail = "field '" + path(f) + "' has the wrong type";
    } else if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
      detail = "field '" + path(m) + "' has the wrong type or shape";
    } else {
      detail = "request body is not valid JSON";
    }
    return respond(
        400, "malformed-json", "Malformed request body", detail, List.of(), Map.of(), uri);
  }

  /**
   * Wrong field types ({@code "quantity": "many"}) raise a MismatchedInputException, for which
   * quarkus-rest-jackson ships its own mapper; a mapper for the closer type is needed to beat it.
   */
  @ServerExceptionMapper(priority = 1)
  public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
    return malformedJson(e, uri);
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e, UriInfo uri) {
    return respond(
        401,
        "unauthorized",
        "Authentication required",
        "a valid bearer token is required",
        List.of(),
        Map.of("WWW-Authenticate", "Bearer"),
        uri);
  }

  @ServerExceptionMapper
  public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
    return respond(
        401,
        "unauthorized",
        "Authentication required",
        "the bearer token is invalid or expired",
        List.of(),
        Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""),
        uri);
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, UriInfo uri) {
    return respond(
        403, "forbidden", "Forbidden", "you are not allowed to do this", List.of(), Map.of(), uri);
  }

  @ServerExceptionMapper
  public Response webApplication(WebApplicationException e, UriInfo uri) {
    int status = e.getResponse().getStatus();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof JsonProcessingException json) {
        return malformedJson(json, uri);
      }
    }
    if (status >= 500) {
      LOG.error("request failed", e);
    }
    String slug =
        switch (status) {
          case 400 -> "bad-request";
          case 401 -> "unauthorized";
          case 403 -> "forbidden";
          case 404 -> "not-found";
          case 405 -> "method-not-allowed";
          case 406 -> "not-acceptable";
          case 413 -> "payload-too-large";
          case 415 -> "unsupported-media-type";
          default -> status >= 500 ? "internal" : "client-error";
        };
    Response.StatusType info = Response.Status.fromStatusCode(status);
    String title = info != null ? info.getReasonPhrase() : "Error";
    String detail = status >= 500 ? "the request could not be completed" : describe(e, status);
    return respond(status, slug, title, detail, List.of(), Map.of(), uri);
  }

  /**
   * The service's database is unreachable (restarting, failing over, out of connections): a
   * transient 503 with {@code Retry-After} that clients retry, logged as one line, not a 500 with a
   * stack trace. Any other SQL failure is unexpected.
   */
  @ServerExceptionMapper(priority = 1)
  public Response dataAccess(Tx.DataAccessException e, UriInfo uri) {
    java.sql.SQLException unreachable = databaseUnreachable(e);
    if (unreachable == null) {
      return unexpected(e, uri);
    }
    LOG.warnf(
        "database unavailable (SQLState %s): %s",
        unreachable.getSQLState(), unreachable.getMessage());
    return respond(
        503,
        "unavailable",
        "Service Unavailable",
        "the service's database is unavailable; try again shortly",
        List.of(),
        Map.of("Retry-After", "1"),
        uri);
  }

  /**
   * The SQL failure in {@code e}'s causes that says the database cannot be reached now, or {@code
   * null}: SQLState class 08 (connection exception), 57P01-57P03 (shut down, crashed, not accepting
   * connections yet), 53300 (too many connections), or the pool giving up waiting for a connection.
   */
  static java.sql.SQLException databaseUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && (state.startsWith("08")
                || state.equals("57P01")
                || state.equals("57P02")
                || state.equals("57P03")
                || state.equals("53300"))) {
          return sql;
        }
        String message = sql.getMessage();
        if (state == null && message != null && message.contains("acquisition timeout")) {
          return sql;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  @ServerExceptionMapper(priority = 10_000)
  public Response unexpected(Throwable e, UriInfo uri) {
    LOG.error("unexpected error", e);
    return respond(
        500,
        "internal",
        "Internal error",
        "the request could not be completed; quote the request id when reporting it",
        List.of(),
        Map.of(),
        uri);
  }

  private static String describe(WebApplicationException e, int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 415 -> "send the body as application/json";
      default -> e.getMessage() == null ? "bad request" : e.getMessage();
    };
  }

  private static String path(MismatchedInputException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  static Response respond(
      int status,
      String slug,
      String title,
      String detail,
      List<Problem.FieldError> errors,
      Map<String, String> headers,
      UriInfo uri) {
    Problem body =
        new Problem(
            Problem.type(slug),
            title,
            status,
            detail,
            uri == null ? null : uri.getRequestUri().getRawPath(),
            Correlation.currentRequestId(),
            errors.isEmpty() ? null : errors);
    Response.ResponseBuilder rb = Response.status(status).type(Problem.MEDIA_TYPE).entity(body);
    headers.forEach(rb::header);
    return rb.build();
  }
}
