package dev.bazaar.gateway.pipeline;

import dev.bazaar.gateway.correlation.RequestIds;
import dev.bazaar.gateway.correlation.TraceContext;
import jakarta.inject.Singleton;

/**
 * Gives every exchange a request id ({@code X-Request-Id}, echoed to the client) and a trace
 * context ({@code traceparent}), and sends both upstream.
 */
@Singleton
public class CorrelationFilter implements GatewayFilter {

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
    String requestId = requestIds.continueOrCreate(headers.get(RequestIds.HEADER));
    TraceContext trace = traces.continueOrStart(headers.get(TraceContext.HEADER));
    exchange.requestId(requestId);
    exchange.trace(trace);
    exchange.upstreamHeaders().set(RequestIds.HEADER, requestId);
    exchange.upstreamHeaders().set(TraceContext.HEADER, trace.traceparent());
    exchange.response().putHeader(RequestIds.HEADER, requestId);
    chain.proceed(exchange);
  }
}
