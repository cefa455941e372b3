package dev.bazaar.gateway.pipeline;

/**
 * One step of the proxy pipeline, run for every request in ascending {@link #order()} before the
 * request is forwarded. A filter either calls {@link FilterChain#proceed(Exchange)} (now or later,
 * from any callback on the request's context) or answers the exchange itself, e.g. with {@link
 * Exchange#reject}. Filters are CDI beans; adding one (auth, rate limit, cache) needs no change to
 * the pipeline.
 */
public interface GatewayFilter {

  /** Correlation ids are assigned first so that every answer carries them. */
  int ORDER_CORRELATION = 100;

  /** Route resolution; the exchange has a route and an upstream after this. */
  int ORDER_ROUTING = 200;

  /** Cheap request checks that need no upstream. */
  int ORDER_LIMITS = 300;

  int order();

  void filter(Exchange exchange, FilterChain chain);
}
