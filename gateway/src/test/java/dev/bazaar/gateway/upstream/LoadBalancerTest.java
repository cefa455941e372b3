package dev.bazaar.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LoadBalancerTest {

  static List<UpstreamInstance> instances(int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i ->
                new UpstreamInstance(
                    new UpstreamEndpoint("10.0.0." + i, 80, false, ""),
                    InstancePolicy.defaults(),
                    null))
        .toList();
  }

  static double[] full(int n) {
    double[] w = new double[n];
    Arrays.fill(w, 1.0);
    return w;
  }

  @Test
  void roundRobinTakesTurns() {
    LoadBalancer lb = new LoadBalancer.RoundRobin(() -> new Random(1));
    List<UpstreamInstance> three = instances(3);
    int[] counts = new int[3];
    for (int i = 0; i < 300; i++) {
      counts[lb.select(three, full(3))]++;
    }
    assertThat(counts).containsExactly(100, 100, 100);
  }

  @Test
  void roundRobinGivesAnInstanceInSlowStartAboutItsWeight() {
    Random random = new Random(42);
    LoadBalancer lb = new LoadBalancer.RoundRobin(() -> random);
    List<UpstreamInstance> three = instances(3);
    double[] weights = {1.0, 1.0, 0.1};
    int[] counts = new int[3];
    for (int i = 0; i < 30_000; i++) {
      counts[lb.select(three, weights)]++;
    }
    // Its turns pass on with probability 0.9: about 10% of a full share of 10 000.
    assertThat(counts[2]).isBetween(800, 1_200);
  }

  @Test
  void leastOutstandingPicksTheLeastBusyInstance() {
    LoadBalancer lb = new LoadBalancer.LeastOutstanding();
    List<UpstreamInstance> three = instances(3);
    three.get(0).acquire();
    three.get(0).acquire();
    three.get(2).acquire();
    for (int i = 0; i < 5; i++) {
      assertThat(lb.select(three, full(3))).isEqualTo(1);
    }
  }

  @Test
  void leastOutstandingSpreadsTiesAndPrefersFullWeight() {
    LoadBalancer lb = new LoadBalancer.LeastOutstanding();
    List<UpstreamInstance> three = instances(3);
    int[] counts = new int[3];
    for (int i = 0; i < 300; i++) {
      counts[lb.select(three, full(3))]++;
    }
    assertThat(counts).containsExactly(100, 100, 100);
    three.get(0).acquire();
    // 1 in flight at full weight scores 2; idle at weight 0.25 scores 4.
    assertThat(lb.select(three.subList(0, 2), new double[] {1.0, 0.25})).isEqualTo(0);
  }

  @Test
  void strategiesHaveTheirConfigNames() {
    assertThat(LoadBalancer.Strategy.LEAST_OUTSTANDING.label()).isEqualTo("least-outstanding");
    assertThat(LoadBalancer.Strategy.ROUND_ROBIN.label()).isEqualTo("round-robin");
  }
}
