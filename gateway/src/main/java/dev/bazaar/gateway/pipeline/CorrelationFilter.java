package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.correlation.RequestIds;
import dev.bazaar.gateway.correlation.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.http.HttpHeaders;
import jakarta.inject.Singleton;

/**
 * Gives every exchange a request id ({@code X-Request-Id}, echoed to the client) and a trace
 * context ({@code traceparent}), and sends both upstream. With tracing on, the trace context is the
 * one of the request's OpenTelemetry server span (docs/tracing.md).
 */
@Singleton
public class CorrelationFilter implements GatewayFilter {

  /** Header names, pre-hashed: they are read and written on every request. */
  private static final CharSequence REQUEST_ID = HttpHeaders.createOptimized(RequestIds.HEADER);

  private static final CharSequence TRACEPARENT = HttpHeaders.createOptimized(TraceContext.HEADER);

  private final RequestIds requestIds;
  private final TraceContext.Factory traces;

  public CorrelationFilter(RequestIds requestIds, TraceContext.Factory traces) {
    this.requestIds = requestIds;
    this.traces = traces;
  }

  @Override
  public int order() {
    return ORDER_CORRELATION;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    var headers = exchange.request().headers();
    String requestId = requestIds.continueOrCreate(headers.get(REQUEST_ID));
    TraceContext trace =
        traces.adoptOrContinue(Span.current().getSpanContext(), headers.get(TRACEPARENT));
    exchange.requestId(requestId);
    exchange.trace(trace);
    exchange.upstreamHeaders().set(REQUEST_ID, requestId);
    exchange.upstreamHeaders().set(TRACEPARENT, trace.traceparent());
    exchange.response().putHeader(REQUEST_ID, requestId);
    chain.proceed(exchange);
  }
}
