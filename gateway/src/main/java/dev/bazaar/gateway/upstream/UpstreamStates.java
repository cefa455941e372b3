package dev.bazaar.gateway.upstream;

import dev.bazaar.gateway.resilience.CircuitBreaker;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of every upstream's resilience state, for metrics and diagnostics: breaker
 * state, retry budget and each instance's health, ejection, weight and requests in flight. Each
 * call takes a fresh snapshot; nothing here changes the state.
 */
@Singleton
public class UpstreamStates {

  /** One upstream. */
  public record UpstreamState(
      String name,
      String discovery,
      String lb,
      CircuitBreaker.State breaker,
      long breakerOpenedTotal,
      double retryTokens,
      List<InstanceState> instances) {}

  /**
   * One instance. {@code weight} is its current share of traffic (0 when out of rotation, below 1
   * during slow start).
   */
  public record InstanceState(
      String url,
      boolean healthy,
      boolean ejected,
      int ejections,
      int outstanding,
      double weight) {}

  private final Upstreams upstreams;
  private final Clock clock;

  public UpstreamStates(Upstreams upstreams, Clock clock) {
    this.upstreams = upstreams;
    this.clock = clock;
  }

  public List<UpstreamState> snapshot() {
    List<UpstreamState> states = new ArrayList<>();
    for (Upstream u : upstreams.all()) {
      if (u instanceof BalancedUpstream b) {
        states.add(of(b, clock.instant()));
      }
    }
    return states;
  }

  public Optional<UpstreamState> of(String name) {
    return snapshot().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  static UpstreamState of(BalancedUpstream b, Instant now) {
    List<InstanceState> instances = new ArrayList<>();
    for (UpstreamInstance i : b.instances()) {
      instances.add(
          new InstanceState(
              i.endpoint().toString(),
              i.healthy(),
              i.isEjected(now),
              i.ejections(),
              i.outstanding(),
              i.weight(now)));
    }
    return new UpstreamState(
        b.name(),
        b.discovery(),
        b.policy().lb().label(),
        b.breaker().state(),
        b.breaker().timesOpened(),
        b.retryBudget().tokens(),
        List.copyOf(instances));
  }
}
