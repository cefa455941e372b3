package dev.bazaar.gateway.upstream;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Picks one instance out of the candidates. Weights are in (0, 1]: 1 for an instance in full
 * rotation, less during slow start.
 */
public interface LoadBalancer {

  /**
   * @param candidates at least one instance
   * @param weights the weight of each candidate, same order
   * @return the index of the chosen candidate
   */
  int select(List<UpstreamInstance> candidates, double[] weights);

  /** The strategies, as named in {@code bazaar.gateway.upstreams.<name>.lb}. */
  enum Strategy {
    ROUND_ROBIN,
    LEAST_OUTSTANDING;

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public LoadBalancer create(Supplier<RandomGenerator> random) {
      return switch (this) {
        case ROUND_ROBIN -> new RoundRobin(random);
        case LEAST_OUTSTANDING -> new LeastOutstanding();
      };
    }
  }

  /**
   * Takes the candidates in turn. An instance in slow start takes its turn only with a probability
   * equal to its weight; otherwise the turn passes on to the next candidate.
   */
  final class RoundRobin implements LoadBalancer {
    private final AtomicLong next = new AtomicLong();
    private final Supplier<RandomGenerator> random;

    public RoundRobin(Supplier<RandomGenerator> random) {
      this.random = random;
    }

    @Override
    public int select(List<UpstreamInstance> candidates, double[] weights) {
      int n = candidates.size();
      int start = (int) Math.floorMod(next.getAndIncrement(), (long) n);
      for (int i = 0; i < n; i++) {
        int index = (start + i) % n;
        double w = weights[index];
        if (w >= 1 || random.get().nextDouble() < w) {
          return index;
        }
      }
      return start;
    }
  }

  /**
   * The candidate with the fewest requests in flight, scaled by weight ({@code (outstanding + 1) /
   * weight}); ties go round-robin so that an idle upstream still spreads its load.
   */
  final class LeastOutstanding implements LoadBalancer {
    private final AtomicLong next = new AtomicLong();

    @Override
    public int select(List<UpstreamInstance> candidates, double[] weights) {
      int n = candidates.size();
      int start = (int) Math.floorMod(next.getAndIncrement(), (long) n);
      int best = start;
      double bestScore = Double.MAX_VALUE;
      for (int i = 0; i < n; i++) {
        int index = (start + i) % n;
        double score = (candidates.get(index).outstanding() + 1) / weights[index];
        if (score < bestScore) {
          bestScore = score;
          best = index;
        }
      }
      return best;
    }
  }
}
