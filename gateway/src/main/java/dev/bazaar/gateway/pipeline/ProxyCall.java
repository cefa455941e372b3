package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.upstream.UpstreamInstance;
import io.netty.util.concurrent.ScheduledFuture;
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
import io.vertx.core.impl.ContextInternal;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One attempt of a forwarded request against one upstream instance. All callbacks run on the
 * request's event-loop context, so the state needs no locking; the state makes sure exactly one of
 * response, timeout, failure or client abort decides the outcome. A failure before the response may
 * be handed to {@link Forwarding}, which then starts the next attempt; this one stays silent.
 */
final class ProxyCall {

  private static final Logger LOG = Logger.getLogger(ProxyCall.class);

  private enum State {
    CONNECTING,
    AWAITING_RESPONSE,
    RELAYING,
    DONE
  }

  /** Response header names, pre-hashed (they are set on every response). */
  private static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");

  private final Exchange exchange;
  private final ContextInternal context;
  private final HttpClient client;
  private final RequestOptions options;
  private final UpstreamInstance instance;
  private final Forwarding forwarding;
  private final long timeoutMillis;
  private final long maxBodyBytes;
  private final HttpServerRequest request;
  private final HttpServerResponse response;

  private State state = State.CONNECTING;
  private HttpClientRequest upstreamRequest;
  private ScheduledFuture<?> timer;
  private long requestBytes;
  private boolean requestBodyRejected;
  private boolean finished;

  ProxyCall(
      Exchange exchange,
      ContextInternal context,
      HttpClient client,
      RequestOptions options,
      UpstreamInstance instance,
      Forwarding forwarding,
      long timeoutMillis,
      long maxBodyBytes) {
    this.exchange = exchange;
    this.context = context;
    this.client = client;
    this.options = options;
    this.instance = instance;
    this.forwarding = forwarding;
    this.timeoutMillis = timeoutMillis;
    this.maxBodyBytes = maxBodyBytes;
    this.request = exchange.request();
    this.response = exchange.response();
  }

  void start() {
    // A Netty timer on the request's own event loop: cheaper than a Vert.x timer, which also goes
    // through a shared map of timer ids. It fires rarely; then the context is re-entered.
    timer =
        context
            .nettyEventLoop()
            .schedule(
                () -> context.emit(null, v -> onTimeout(exchange.route().timeout().toMillis())),
                timeoutMillis,
                TimeUnit.MILLISECONDS);
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
    finish();
    forwarding.abandoned();
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
    forwarding.answered(instance, upstreamResponse.statusCode());
    exchange.markRelaying();
    response.setStatusCode(upstreamResponse.statusCode());
    HopByHopHeaders.copyEndToEnd(
        upstreamResponse.headers(), response.headers(), ProxyForwarder.NOT_COPIED_DOWNSTREAM);
    if (exchange.requestId() != null) {
      response.headers().set(X_REQUEST_ID, exchange.requestId());
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
            finish();
            response.end();
          }
        });
  }

  private void onTimeout(long timeoutMillis) {
    timer = null;
    if (state != State.CONNECTING && state != State.AWAITING_RESPONSE) {
      return;
    }
    state = State.DONE;
    if (upstreamRequest != null) {
      upstreamRequest.reset();
    }
    finish();
    forwarding.failed(instance, Forwarding.Failure.TIMEOUT);
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
        Forwarding.Failure kind =
            state == State.CONNECTING
                ? Forwarding.Failure.CONNECT
                : isTimeout(failure) ? Forwarding.Failure.TIMEOUT : Forwarding.Failure.RESET;
        state = State.DONE;
        cancelTimer();
        if (upstreamRequest != null) {
          upstreamRequest.reset();
        }
        finish();
        LOG.debugf(
            "upstream %s at %s failed before answering (%s): %s",
            exchange.upstream().name(), instance, kind, failure.toString());
        if (!forwarding.failed(instance, kind)) {
          exchange.reject(classify(failure, kind));
        }
      }
      case RELAYING -> {
        state = State.DONE;
        finish();
        LOG.debugf(
            "upstream %s at %s failed while relaying: %s",
            exchange.upstream().name(), instance, failure.toString());
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
    finish();
    forwarding.abandoned();
  }

  /** Ends this attempt's claim on the instance (it counted as outstanding); runs once. */
  private void finish() {
    if (!finished) {
      finished = true;
      instance.release();
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private Problem classify(Throwable failure, Forwarding.Failure kind) {
    String name = exchange.upstream().name();
    if (kind == Forwarding.Failure.TIMEOUT) {
      return Problem.of(
          ProblemType.UPSTREAM_TIMEOUT, "Upstream '" + name + "' went silent and was cut off.");
    }
    if (kind == Forwarding.Failure.CONNECT || isUnreachable(failure)) {
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

  private static boolean isTimeout(Throwable failure) {
    for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static boolean mayHaveBody(HttpMethod method, int status) {
    return !method.equals(HttpMethod.HEAD) && status >= 200 && status != 204 && status != 304;
  }
}
