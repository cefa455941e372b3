package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.auth.Identity;
import dev.bazaar.gateway.correlation.TraceContext;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.route.Route;
import dev.bazaar.gateway.upstream.Upstream;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;

/**
 * One request passing through the gateway: the client's request and response, what the filters
 * decided (ids, route, upstream) and the headers that will be sent upstream.
 */
public final class Exchange {

  /** A rejected request body is read and dropped up to this size, then the connection is closed. */
  static final long DISCARD_LIMIT_BYTES = 16L * 1024 * 1024;

  /** Request headers the gateway sets itself or consumes rather than copying them upstream. */
  private static final Set<String> NOT_COPIED_UPSTREAM =
      Set.of("host", "expect", "x-request-id", "traceparent");

  private final RoutingContext context;
  private final long startNanos;
  private final MultiMap upstreamHeaders;
  private String requestId;
  private TraceContext trace;
  private Route route;
  private Upstream upstream;
  private Identity identity;
  private boolean answered;

  public Exchange(RoutingContext context, long startNanos) {
    this.context = context;
    this.startNanos = startNanos;
    this.upstreamHeaders = MultiMap.caseInsensitiveMultiMap();
    HopByHopHeaders.copyEndToEnd(context.request().headers(), upstreamHeaders, NOT_COPIED_UPSTREAM);
  }

  public HttpServerRequest request() {
    return context.request();
  }

  public HttpServerResponse response() {
    return context.response();
  }

  /** The request path with dot segments resolved; routing and forwarding both use it. */
  public String path() {
    return context.normalizedPath();
  }

  public long startNanos() {
    return startNanos;
  }

  /** Headers to send upstream; filters may add to them. */
  public MultiMap upstreamHeaders() {
    return upstreamHeaders;
  }

  public String requestId() {
    return requestId;
  }

  public void requestId(String requestId) {
    this.requestId = requestId;
  }

  public TraceContext trace() {
    return trace;
  }

  public void trace(TraceContext trace) {
    this.trace = trace;
  }

  public Route route() {
    return route;
  }

  public Upstream upstream() {
    return upstream;
  }

  public void route(Route route, Upstream upstream) {
    this.route = route;
    this.upstream = upstream;
  }

  /** The caller verified from the bearer token, or {@code null} when there is none. */
  public Identity identity() {
    return identity;
  }

  public void identity(Identity identity) {
    this.identity = identity;
  }

  /** Whether the request carries a body to forward (HTTP/1.1 framing or an open HTTP/2 stream). */
  public boolean hasRequestBody() {
    MultiMap headers = request().headers();
    return headers.contains(HttpHeaders.CONTENT_LENGTH)
        || headers.contains(HttpHeaders.TRANSFER_ENCODING)
        || (request().version() == HttpVersion.HTTP_2 && !request().isEnded());
  }

  /**
   * Runs {@code handler} with the response's status code just before the response head is written,
   * whoever writes it (the proxy, a filter, an error).
   */
  public void onResponseHead(java.util.function.IntConsumer handler) {
    context.addHeadersEndHandler(v -> handler.accept(context.response().getStatusCode()));
  }

  /** Whether the gateway has answered, or begun answering, this exchange. */
  public boolean isAnswered() {
    return answered;
  }

  /** Marks the exchange answered by the upstream's response; filters and errors stand down. */
  void markRelaying() {
    answered = true;
  }

  /**
   * Answers with a problem+json response and drops whatever request body is still unread. When a
   * response is already under way it can only be cut off.
   */
  public void reject(Problem problem) {
    HttpServerResponse response = response();
    if (answered || response.headWritten() || response.ended()) {
      answered = true;
      if (!response.ended()) {
        response.reset();
      }
      return;
    }
    answered = true;
    response.setStatusCode(problem.status());
    for (Map.Entry<String, String> header : problem.headers().entrySet()) {
      response.putHeader(header.getKey(), header.getValue());
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
    Buffer body = problem.toJson(path(), requestId).toBuffer();
    discardRequestBody();
    response.end(body);
  }

  /** Reads and drops the rest of the request body so the connection can serve the next request. */
  void discardRequestBody() {
    HttpServerRequest request = request();
    if (request.isEnded()) {
      return;
    }
    long[] discarded = {0};
    request.handler(
        chunk -> {
          discarded[0] += chunk.length();
          if (discarded[0] > DISCARD_LIMIT_BYTES) {
            request.connection().close();
          }
        });
    request.endHandler(v -> {});
    request.exceptionHandler(e -> {});
    request.resume();
  }
}
