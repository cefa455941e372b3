package dev.bazaar.chaos.check;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The checker's answer: counts per invariant and every violation. */
public record Verdict(Map<String, Counts> counts, List<Violation> violations) {

  public boolean valid() {
    return counts.values().stream().allMatch(Counts::valid);
  }

  /** One line: {@code orders ok=10 lost=0 ...; payments ok=...}. */
  public String summary() {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue().brief())
        .collect(Collectors.joining("; "));
  }
}
