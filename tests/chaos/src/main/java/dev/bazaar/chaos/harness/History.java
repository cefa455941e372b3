package dev.bazaar.chaos.harness;

import dev.bazaar.chaos.check.Op;
import java.util.ArrayList;
import java.util.List;

/** The run's history: every request and its answer, in the order they happened. */
final class History {
  private final long startNanos;
  private final List<Op> ops = new ArrayList<>();

  History(long startNanos) {
    this.startNanos = startNanos;
  }

  long now() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  synchronized Op add(
      String client,
      String f,
      String type,
      String customerId,
      String key,
      String orderId,
      int status,
      String note) {
    Op op = new Op(ops.size(), now(), client, f, type, customerId, key, orderId, status, note);
    ops.add(op);
    return op;
  }

  synchronized List<Op> snapshot() {
    return List.copyOf(ops);
  }
}
