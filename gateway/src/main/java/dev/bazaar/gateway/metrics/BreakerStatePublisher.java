package dev.bazaar.gateway.metrics;

import dev.bazaar.gateway.resilience.CircuitBreaker;
import dev.bazaar.gateway.upstream.UpstreamStates;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Copies every upstream's circuit-breaker state into the {@code bazaar_gateway_breaker_state} gauge
 * once a second, so /q/metrics shows which upstreams the gateway is shedding.
 */
@Singleton
public class BreakerStatePublisher {

  private final UpstreamStates states;
  private final GatewayMetrics metrics;

  public BreakerStatePublisher(UpstreamStates states, GatewayMetrics metrics) {
    this.states = states;
    this.metrics = metrics;
  }

  void start(@Observes StartupEvent event, Vertx vertx) {
    publish();
    vertx.setPeriodic(1000, id -> publish());
  }

  void publish() {
    for (UpstreamStates.UpstreamState s : states.snapshot()) {
      metrics.breakerState(s.name(), map(s.breaker()));
    }
  }

  static BreakerState map(CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED -> BreakerState.CLOSED;
      case HALF_OPEN -> BreakerState.HALF_OPEN;
      case OPEN -> BreakerState.OPEN;
    };
  }
}
