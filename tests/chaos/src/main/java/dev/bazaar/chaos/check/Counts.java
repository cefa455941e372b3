package dev.bazaar.chaos.check;

/**
 * Jepsen's total-queue shape for one invariant: how many items were fine, and how many were lost,
 * duplicated, unexpected or stuck. An invariant holds when all but {@code ok} are zero.
 */
public record Counts(int ok, int lost, int duplicated, int unexpected, int stuck) {
  public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

  public boolean valid() {
    return lost == 0 && duplicated == 0 && unexpected == 0 && stuck == 0;
  }

  Counts plus(Outcome o) {
    return switch (o) {
      case OK -> new Counts(ok + 1, lost, duplicated, unexpected, stuck);
      case LOST -> new Counts(ok, lost + 1, duplicated, unexpected, stuck);
      case DUPLICATED -> new Counts(ok, lost, duplicated + 1, unexpected, stuck);
      case UNEXPECTED -> new Counts(ok, lost, duplicated, unexpected + 1, stuck);
      case STUCK -> new Counts(ok, lost, duplicated, unexpected, stuck + 1);
    };
  }

  /** {@code ok=10 lost=0 duplicated=0 unexpected=0 stuck=0}. */
  public String brief() {
    return "ok="
        + ok
        + " lost="
        + lost
        + " duplicated="
        + duplicated
        + " unexpected="
        + unexpected
        + " stuck="
        + stuck;
  }

  /** How one checked item came out. */
  public enum Outcome {
    OK,
    LOST,
    DUPLICATED,
    UNEXPECTED,
    STUCK
  }
}
