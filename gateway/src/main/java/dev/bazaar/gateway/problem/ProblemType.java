package dev.bazaar.gateway.problem;

/**
 * The problems the gateway itself answers with. The {@link #uri()} is stable: clients key on it.
 */
public enum ProblemType {
  BAD_REQUEST("bad-request", "Bad Request", 400),
  UNAUTHORIZED("unauthorized", "Unauthorized", 401),
  FORBIDDEN("forbidden", "Forbidden", 403),
  NOT_FOUND("not-found", "Not Found", 404),
  METHOD_NOT_ALLOWED("method-not-allowed", "Method Not Allowed", 405),
  PAYLOAD_TOO_LARGE("payload-too-large", "Payload Too Large", 413),
  URI_TOO_LONG("uri-too-long", "URI Too Long", 414),
  TOO_MANY_REQUESTS("too-many-requests", "Too Many Requests", 429),
  HEADERS_TOO_LARGE("request-header-fields-too-large", "Request Header Fields Too Large", 431),
  INTERNAL_ERROR("internal-error", "Internal Server Error", 500),
  BAD_GATEWAY("bad-gateway", "Bad Gateway", 502),
  UPSTREAM_UNAVAILABLE("upstream-unavailable", "Service Unavailable", 503),
  UPSTREAM_TIMEOUT("upstream-timeout", "Gateway Timeout", 504);

  public static final String BASE_URI = "https://bazaar.dev/problems/";

  private final String slug;
  private final String title;
  private final int status;

  ProblemType(String slug, String title, int status) {
    this.slug = slug;
    this.title = title;
    this.status = status;
  }

  public String uri() {
    return BASE_URI + slug;
  }

  public String title() {
    return title;
  }

  public int status() {
    return status;
  }
}
