package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.jboss.logging.Logger;

/**
 * One forwarded request. All callbacks run on the request's event-loop context, so the state needs
 * no locking; the state makes sure exactly one of response, timeout, failure or client abort
 * decides the outcome.
 */
final class ProxyCall {

  private static final Logger LOG = Logger.getLogger(ProxyCall.class);

  private enum State {
    CONNECTING,
    AWAITING_RESPONSE,
    RELAYING,
    DONE
  }

  private final Exchange exchange;
  private final Vertx vertx;
  private final HttpClient client;
  private final RequestOptions options;
  private final UpstreamEndpoint endpoint;
  private final long maxBodyBytes;
  private final HttpServerRequest request;
  private final HttpServerResponse response;

  private State state = State.CONNECTING;
  private HttpClientRequest upstreamRequest;
  private long timerId = -1;
  private long requestBytes;
  private boolean requestBodyRejected;

  ProxyCall(
      Exchange exchange,
      Vertx vertx,
      HttpClient client,
      RequestOptions options,
      UpstreamEndpoint endpoint,
      long maxBodyBytes) {
    this.exchange = exchange;
    this.vertx = vertx;
    this.client = client;
    this.options = options;
    this.endpoint = endpoint;
    this.maxBodyBytes = maxBodyBytes;
    this.request = exchange.request();
    this.response = exchange.response();
  }

  void start() {
    long timeoutMillis = exchange.route().timeout().toMillis();
    timerId = vertx.setTimer(timeoutMillis, id -> onTimeout(timeoutMillis));
    response.closeHandler(v -> onClientGone());
    client
        .request(options)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                onConnected(ar.result());
              } else {
                onUpstreamFailure(ar.cause());
              }
            });
  }

  private void onConnected(HttpClientRequest upstream) {
    if (state != State.CONNECTING) {
      upstream.reset();
      return;
    }
    state = State.AWAITING_RESPONSE;
    upstreamRequest = upstream;
    upstream.exceptionHandler(this::onUpstreamFailure);
    upstream
        .response()
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                onResponse(ar.result());
              } else {
                onUpstreamFailure(ar.cause());
              }
            });
    if (!exchange.hasRequestBody()) {
      upstream.end();
      return;
    }
    if (!upstream.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      upstream.setChunked(true);
    }
    if (request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
      response.writeContinue();
    }
    request.handler(this::onRequestChunk);
    request.exceptionHandler(e -> onClientGone());
    request.endHandler(
        v -> {
          if (!requestBodyRejected && state != State.DONE) {
            upstream.end();
          }
        });
    request.resume();
  }

  private void onRequestChunk(Buffer chunk) {
    if (state == State.DONE) {
      return;
    }
    requestBytes += chunk.length();
    if (requestBytes > maxBodyBytes) {
      onRequestBodyTooLarge();
      return;
    }
    upstreamRequest.write(chunk);
    if (upstreamRequest.writeQueueFull()) {
      request.pause();
      upstreamRequest.drainHandler(v -> request.resume());
    }
  }

  /**
   * A body without a declared length grew past the limit. Resetting the upstream request closes its
   * connection mid-body, so the upstream never sees a complete request.
   */
  private void onRequestBodyTooLarge() {
    requestBodyRejected = true;
    State previous = state;
    state = State.DONE;
    cancelTimer();
    upstreamRequest.reset();
    if (previous == State.AWAITING_RESPONSE) {
      exchange.reject(BodyLimitFilter.tooLargeStreamed(maxBodyBytes));
    } else {
      response.reset();
    }
  }

  private void onResponse(HttpClientResponse upstreamResponse) {
    if (state != State.AWAITING_RESPONSE) {
      upstreamResponse.request().reset();
      return;
    }
    cancelTimer();
    state = State.RELAYING;
    exchange.markRelaying();
    response.setStatusCode(upstreamResponse.statusCode());
    HopByHopHeaders.copyEndToEnd(
        upstreamResponse.headers(), response.headers(), ProxyForwarder.NOT_COPIED_DOWNSTREAM);
    if (exchange.requestId() != null) {
      response.headers().set("X-Request-Id", exchange.requestId());
    }
    if (!response.headers().contains(HttpHeaders.CONTENT_LENGTH)
        && mayHaveBody(request.method(), upstreamResponse.statusCode())) {
      response.setChunked(true);
    }
    upstreamResponse.handler(
        chunk -> {
          response.write(chunk);
          if (response.writeQueueFull()) {
            upstreamResponse.pause();
            response.drainHandler(v -> upstreamResponse.resume());
          }
        });
    upstreamResponse.exceptionHandler(this::onUpstreamFailure);
    upstreamResponse.endHandler(
        v -> {
          if (state == State.RELAYING) {
            state = State.DONE;
            response.end();
          }
        });
  }

  private void onTimeout(long timeoutMillis) {
    timerId = -1;
    if (state != State.CONNECTING && state != State.AWAITING_RESPONSE) {
      return;
    }
    state = State.DONE;
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
    exchange.reject(
        Problem.of(
            ProblemType.UPSTREAM_TIMEOUT,
            "Upstream '"
                + exchange.upstream().name()
                + "' did not answer within "
                + timeoutMillis
                + " ms."));
  }

  private void onUpstreamFailure(Throwable failure) {
    switch (state) {
      case CONNECTING, AWAITING_RESPONSE -> {
        state = State.DONE;
        cancelTimer();
        if (upstreamRequest != null) {
          upstreamRequest.reset();
        }
        LOG.debugf(
            "upstream %s at %s failed before answering: %s",
            exchange.upstream().name(), endpoint, failure.toString());
        exchange.reject(classify(failure));
      }
      case RELAYING -> {
        state = State.DONE;
        LOG.debugf(
            "upstream %s at %s failed while relaying: %s",
            exchange.upstream().name(), endpoint, failure.toString());
        response.reset();
      }
      case DONE -> {}
    }
  }

  private void onClientGone() {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    cancelTimer();
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
  }

  private void cancelTimer() {
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private Problem classify(Throwable failure) {
    String name = exchange.upstream().name();
    if (isUnreachable(failure)) {
      return Problem.of(
              ProblemType.UPSTREAM_UNAVAILABLE,
              "Upstream '" + name + "' is not reachable; try again shortly.")
          .withHeader("Retry-After", "1");
    }
    return Problem.of(
        ProblemType.BAD_GATEWAY,
        "Upstream '" + name + "' closed the connection without a valid response.");
  }

  static boolean isUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof ConnectionPoolTooBusyException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean mayHaveBody(HttpMethod method, int status) {
    return !method.equals(HttpMethod.HEAD) && status >= 200 && status != 204 && status != 304;
  }
}
