package dev.bazaar.gateway.upstream;

import dev.bazaar.gateway.resilience.CircuitBreaker;
import dev.bazaar.gateway.resilience.RetryBudget;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * An upstream with any number of instances, fed by a discovery source through {@link
 * #update(List)}. {@link #pick(Set)} balances over the instances that are healthy and not ejected,
 * weighted by slow start. When none is left it falls back to every instance (panic mode, as in
 * Envoy): a false alarm of the health checks must not take an upstream off the air, and the circuit
 * breaker guards against a real outage.
 *
 * <p>Selection is lock-free apart from short per-instance monitors, so it runs on the event loop.
 */
public final class BalancedUpstream implements Upstream {

  private final String name;
  private final String discovery;
  private final UpstreamPolicy policy;
  private final Clock clock;
  private final LoadBalancer balancer;
  private final CircuitBreaker breaker;
  private final RetryBudget retryBudget;
  private volatile List<UpstreamInstance> instances = List.of();
  private boolean updated;

  public BalancedUpstream(
      String name,
      String discovery,
      UpstreamPolicy policy,
      Clock clock,
      Supplier<RandomGenerator> random) {
    this.name = name;
    this.discovery = discovery;
    this.policy = policy;
    this.clock = clock;
    this.balancer = policy.lb().create(random);
    this.breaker = new CircuitBreaker(policy.breaker(), clock);
    this.retryBudget = new RetryBudget(policy.retryBudgetRatio(), policy.retryBudgetMaxTokens());
  }

  @Override
  public String name() {
    return name;
  }

  /** How the instances are found: {@code static}, {@code registry} or {@code dns}. */
  public String discovery() {
    return discovery;
  }

  public UpstreamPolicy policy() {
    return policy;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public RetryBudget retryBudget() {
    return retryBudget;
  }

  public List<UpstreamInstance> instances() {
    return instances;
  }

  /**
   * Replaces the instance list. Known endpoints keep their state; endpoints that appear after the
   * first update start slowly. Safe to call from any thread.
   */
  public synchronized void update(List<UpstreamEndpoint> endpoints) {
    Map<UpstreamEndpoint, UpstreamInstance> known =
        instances.stream()
            .collect(Collectors.toMap(UpstreamInstance::endpoint, Function.identity()));
    Instant now = clock.instant();
    List<UpstreamInstance> next = new ArrayList<>();
    for (UpstreamEndpoint endpoint : new LinkedHashSet<>(endpoints)) {
      UpstreamInstance instance = known.get(endpoint);
      next.add(
          instance != null
              ? instance
              : new UpstreamInstance(endpoint, policy.instances(), updated ? now : null));
    }
    updated = true;
    instances = List.copyOf(next);
  }

  /**
   * Chooses an instance for one attempt, skipping {@code exclude} (instances already tried for this
   * request). The chosen instance counts the request as outstanding until {@link
   * UpstreamInstance#release()}.
   */
  public Optional<UpstreamInstance> pick(Set<UpstreamEndpoint> exclude) {
    List<UpstreamInstance> all = instances;
    Instant now = clock.instant();
    List<UpstreamInstance> candidates = new ArrayList<>(all.size());
    List<UpstreamInstance> untried = new ArrayList<>(all.size());
    double[] weights = new double[all.size()];
    for (UpstreamInstance instance : all) {
      if (exclude.contains(instance.endpoint())) {
        continue;
      }
      untried.add(instance);
      double w = instance.weight(now);
      if (w > 0) {
        weights[candidates.size()] = w;
        candidates.add(instance);
      }
    }
    if (candidates.isEmpty()) {
      if (untried.isEmpty()) {
        return Optional.empty();
      }
      candidates = untried;
      java.util.Arrays.fill(weights, 0, candidates.size(), 1.0);
    }
    UpstreamInstance chosen = candidates.get(balancer.select(candidates, weights));
    chosen.acquire();
    return Optional.of(chosen);
  }

  /** The endpoint for the next request, for callers that do not balance themselves. */
  @Override
  public UpstreamEndpoint resolve() {
    UpstreamInstance instance =
        pick(Set.of())
            .orElseThrow(
                () -> new NoSuchElementException("upstream " + name + " has no instances"));
    instance.release();
    return instance.endpoint();
  }
}
