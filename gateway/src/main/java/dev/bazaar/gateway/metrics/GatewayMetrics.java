package dev.bazaar.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own Prometheus meters, exposed at {@code /q/metrics}. Meters are created once per
 * route (or upstream) and cached, so recording a request allocates nothing beyond Micrometer's own
 * work. Other parts of the gateway report through the methods here: the access log calls {@link
 * #requestCompleted}, the rate limiter {@link #rateLimited}, the circuit breakers {@link
 * #breakerState}.
 */
@Singleton
public class GatewayMetrics {

  /** Route tag of a request that matched no route. */
  public static final String NO_ROUTE = "none";

  static final String REQUESTS = "bazaar_gateway_requests";
  static final String LATENCY = "bazaar_gateway_request_duration";
  static final String RATE_LIMITED = "bazaar_gateway_ratelimit_rejections";
  static final String BREAKER = "bazaar_gateway_breaker_state";
  static final String CACHE = "bazaar_gateway_cache_requests";

  private static final String[] STATUS_CLASSES = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final ConcurrentMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> rateLimited = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicInteger> breakers = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> cache = new ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * One finished request: counted by route and status class ({@code 2xx}, ..., {@code 0xx} when the
   * client left before any answer) and timed into the route's latency histogram.
   */
  public void requestCompleted(String route, int status, long nanos) {
    RouteMeters meters =
        routes.computeIfAbsent(route == null ? NO_ROUTE : route, r -> new RouteMeters(registry, r));
    int statusClass = status >= 100 && status < 600 ? status / 100 : 0;
    meters.byStatusClass[statusClass].increment();
    meters.latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A request on {@code route} was refused by the rate limiter. */
  public void rateLimited(String route) {
    rateLimited
        .computeIfAbsent(
            route,
            r ->
                Counter.builder(RATE_LIMITED)
                    .description("Requests refused by the gateway's rate limiter")
                    .tag("route", r)
                    .register(registry))
        .increment();
  }

  /** The circuit breaker of {@code upstream} changed state (0 closed, 1 half-open, 2 open). */
  public void breakerState(String upstream, BreakerState state) {
    breakers
        .computeIfAbsent(
            upstream,
            u -> {
              AtomicInteger value = new AtomicInteger();
              registry.gauge(BREAKER, List.of(Tag.of("upstream", u)), value);
              return value;
            })
        .set(state.gaugeValue());
  }

  /** A cacheable request on {@code route} was a {@code hit} or a {@code miss}. */
  public void cacheLookup(String route, boolean hit) {
    cacheLookup(route, hit ? "hit" : "miss");
  }

  /**
   * A cacheable request on {@code route} was answered from the cache without asking the upstream
   * ({@code hit}), from the cache after the upstream confirmed it with 304 ({@code revalidated}),
   * or with a response fetched whole ({@code miss}).
   */
  public void cacheLookup(String route, String result) {
    cache
        .computeIfAbsent(
            route + "|" + result,
            k ->
                Counter.builder(CACHE)
                    .description("Cacheable requests answered from the gateway cache or not")
                    .tag("route", route)
                    .tag("result", result)
                    .register(registry))
        .increment();
  }

  private static final class RouteMeters {
    final Counter[] byStatusClass = new Counter[STATUS_CLASSES.length];
    final Timer latency;

    RouteMeters(MeterRegistry registry, String route) {
      for (int i = 0; i < STATUS_CLASSES.length; i++) {
        byStatusClass[i] =
            Counter.builder(REQUESTS)
                .description("Requests through the gateway by route and status class")
                .tag("route", route)
                .tag("status", STATUS_CLASSES[i])
                .register(registry);
      }
      latency =
          Timer.builder(LATENCY)
              .description("Time from request start to the end of the response, per route")
              .tag("route", route)
              .publishPercentileHistogram()
              .minimumExpectedValue(Duration.ofMillis(1))
              .maximumExpectedValue(Duration.ofSeconds(30))
              .register(registry);
    }
  }
}
