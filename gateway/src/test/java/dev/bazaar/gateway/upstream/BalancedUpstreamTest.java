package dev.bazaar.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.gateway.resilience.MutableClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BalancedUpstreamTest {

  final MutableClock clock = new MutableClock();
  final BalancedUpstream upstream =
      new BalancedUpstream(
          "catalog", "static", UpstreamPolicy.defaults(), clock, () -> new Random(7));
  final UpstreamEndpoint a = new UpstreamEndpoint("10.0.0.1", 80, false, "");
  final UpstreamEndpoint b = new UpstreamEndpoint("10.0.0.2", 80, false, "");
  final UpstreamEndpoint c = new UpstreamEndpoint("10.0.0.3", 80, false, "");

  UpstreamEndpoint pick(Set<UpstreamEndpoint> exclude) {
    UpstreamInstance i = upstream.pick(exclude).orElseThrow();
    i.release();
    return i.endpoint();
  }

  Map<UpstreamEndpoint, Integer> spread(int n) {
    Map<UpstreamEndpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(pick(Set.of()), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void skipsEjectedInstancesAndTriedOnes() {
    upstream.update(List.of(a, b, c));
    UpstreamInstance first = upstream.instances().get(0);
    for (int i = 0; i < 5; i++) {
      first.recordFailure(clock.instant());
    }
    assertThat(spread(100)).containsOnlyKeys(b, c);
    assertThat(pick(Set.of(b))).isEqualTo(c);
  }

  @Test
  void whenEveryInstanceIsOutItFallsBackToAllOfThem() {
    upstream.update(List.of(a, b));
    upstream
        .instances()
        .forEach(
            i -> {
              for (int n = 0; n < 5; n++) {
                i.recordFailure(clock.instant());
              }
            });
    assertThat(spread(10)).containsOnlyKeys(a, b);
    assertThat(upstream.pick(Set.of(a, b))).isEmpty();
  }

  @Test
  void updatesKeepTheStateOfKnownInstancesAndNewOnesStartSlowly() {
    upstream.update(List.of(a, b));
    UpstreamInstance known = upstream.instances().get(0);
    upstream.update(List.of(b, a, c, c));
    assertThat(upstream.instances()).hasSize(3).contains(known);
    UpstreamInstance added = upstream.instances().get(2);
    assertThat(added.weight(clock.instant())).isEqualTo(UpstreamInstance.MIN_WEIGHT);
    clock.advance(Duration.ofSeconds(10));
    assertThat(added.weight(clock.instant())).isEqualTo(1.0);
    upstream.update(List.of(c));
    assertThat(spread(10)).containsOnlyKeys(c);
    upstream.update(List.of());
    assertThat(upstream.pick(Set.of())).isEmpty();
  }

  @Test
  void countsOutstandingRequestsUntilReleased() {
    upstream.update(List.of(a));
    UpstreamInstance i = upstream.pick(Set.of()).orElseThrow();
    upstream.pick(Set.of()).orElseThrow();
    assertThat(i.outstanding()).isEqualTo(2);
    i.release();
    assertThat(i.outstanding()).isEqualTo(1);
  }
}
