package dev.bazaar.chassis.problem;

import java.util.List;
import java.util.Map;

/**
 * Thrown by resources and domain adapters to answer with a specific problem. Carries no stack trace
 * to the client; the mapper renders it as problem+json.
 */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String slug;
  private final String title;
  private final List<Problem.FieldError> errors;
  private final Map<String, String> headers;

  public ProblemException(
      int status,
      String slug,
      String title,
      String detail,
      List<Problem.FieldError> errors,
      Map<String, String> headers) {
    super(detail);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
    this.headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public ProblemException(int status, String slug, String title, String detail) {
    this(status, slug, title, detail, List.of(), Map.of());
  }

  public static ProblemException validation(List<Problem.FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid";
    return new ProblemException(400, "validation", "Request is invalid", detail, errors, Map.of());
  }

  public static ProblemException validation(String field, String message) {
    return validation(List.of(new Problem.FieldError(field, message)));
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "not-found", "Not found", detail);
  }

  public static ProblemException conflict(String detail) {
    return new ProblemException(409, "conflict", "Conflict", detail);
  }

  public static ProblemException unprocessable(String slug, String detail) {
    return new ProblemException(422, slug, "Request cannot be processed", detail);
  }

  public static ProblemException unauthorized(String detail) {
    return new ProblemException(
        401,
        "unauthorized",
        "Authentication required",
        detail,
        List.of(),
        Map.of("WWW-Authenticate", "Bearer"));
  }

  public static ProblemException upstreamUnavailable(String upstream, String detail) {
    return new ProblemException(
        503,
        "upstream-unavailable",
        upstream + " is unavailable",
        detail,
        List.of(),
        Map.of("Retry-After", "2"));
  }

  public int status() {
    return status;
  }

  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }

  public List<Problem.FieldError> errors() {
    return errors;
  }

  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    // Client errors are expected outcomes; a stack trace per bad request is only noise.
    return this;
  }
}
