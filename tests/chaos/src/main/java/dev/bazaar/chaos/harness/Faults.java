package dev.bazaar.chaos.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The fault schedule: one fault at a time, separated by seeded random gaps. The schedule first goes
 * through every fault kind the run must show at least once (in a seeded order), then draws from all
 * kinds, or stops there when the run asks for each kind once (the CI size). Each fault records when
 * it started and ended in the timeline.
 */
final class Faults implements Runnable {

  /** One entry of the fault timeline, in milliseconds since the run started. */
  record Fault(String kind, String target, long startMillis, long endMillis, String note) {}

  /** A fault the schedule can apply. */
  record Kind(String name, boolean required, Action action) {}

  @FunctionalInterface
  interface Action {
    /** Applies the fault (blocking while it lasts); returns its target and a note. */
    String[] apply(Random rnd) throws Exception;
  }

  private final List<Kind> kinds;
  private final Random rnd;
  private final History history;
  private final double meanGapSeconds;
  private final boolean once;
  private final BooleanSupplier keepGoing;
  final List<Fault> timeline = Collections.synchronizedList(new ArrayList<>());
  private static final Set<Long> PAUSED = ConcurrentHashMap.newKeySet();

  Faults(
      List<Kind> kinds,
      long seed,
      History history,
      double meanGapSeconds,
      boolean once,
      BooleanSupplier keepGoing) {
    this.kinds = kinds;
    this.rnd = new Random(seed ^ 0x5DEECE66DL);
    this.history = history;
    this.meanGapSeconds = meanGapSeconds;
    this.once = once;
    this.keepGoing = keepGoing;
  }

  @Override
  public void run() {
    List<Kind> first = new ArrayList<>(kinds.stream().filter(Kind::required).toList());
    Collections.shuffle(first, rnd);
    java.util.ArrayDeque<Kind> due = new java.util.ArrayDeque<>(first);
    while (keepGoing.getAsBoolean()) {
      sleepGap();
      if (!keepGoing.getAsBoolean()) {
        return;
      }
      if (due.isEmpty() && once) {
        System.out.printf(
            "chaos: %7.1f s  every fault kind applied once; no more faults%n",
            history.now() / 1000.0);
        return;
      }
      Kind k = due.isEmpty() ? kinds.get(rnd.nextInt(kinds.size())) : due.poll();
      long start = history.now();
      String target;
      String note;
      boolean applied;
      try {
        String[] r = k.action().apply(rnd);
        target = r[0];
        note = r[1];
        applied = true;
      } catch (Exception e) {
        target = "-";
        note = "not applied: " + e.getMessage();
        applied = false;
      }
      if (!applied && k.required() && missingRequired().contains(k.name())) {
        due.add(k); // a required kind is tried again later
      }
      Fault f = new Fault(k.name(), target, start, history.now(), note);
      timeline.add(f);
      System.out.printf("chaos: %7.1f s  %-22s %-16s %s%n", start / 1000.0, k.name(), target, note);
    }
  }

  private void sleepGap() {
    long gap = (long) (meanGapSeconds * 1000 * (0.5 + rnd.nextDouble()));
    long until = System.nanoTime() + gap * 1_000_000;
    while (System.nanoTime() < until && keepGoing.getAsBoolean()) {
      Workload.sleep(100);
    }
  }

  /** Whether the schedule covered every required kind (at least one applied fault each). */
  List<String> missingRequired() {
    List<String> missing = new ArrayList<>();
    for (Kind k : kinds) {
      if (k.required()
          && timeline.stream()
              .noneMatch(f -> f.kind().equals(k.name()) && !f.note().startsWith("not applied"))) {
        missing.add(k.name());
      }
    }
    return missing;
  }

  // ---- the primitives ----

  static void signal(String sig, long pid) throws Exception {
    Process p =
        new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException("kill -" + sig + " " + pid + ": " + out.strip());
    }
  }

  /** SIGSTOP, wait, SIGCONT; the pid is resumed whatever happens (also by {@link #resumeAll}). */
  static void pause(long pid, long millis) throws Exception {
    PAUSED.add(pid);
    try {
      signal("STOP", pid);
      Thread.sleep(millis);
    } finally {
      try {
        signal("CONT", pid);
      } catch (Exception e) {
        // the process died meanwhile
      }
      PAUSED.remove(pid);
    }
  }

  static void resumeAll() {
    for (long pid : PAUSED) {
      try {
        signal("CONT", pid);
      } catch (Exception e) {
        // gone
      }
    }
  }

  /** The pid of a ready instance, waiting up to 20 s for one (it may be restarting). */
  static long readyPid(Bazaar bazaar, String instance) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      Optional<Bazaar.Instance> i =
          bazaar.instances().stream()
              .filter(
                  x -> x.instance().equals(instance) && x.state().equals("ready") && x.pid() > 0)
              .findFirst();
      if (i.isPresent()
          && ProcessHandle.of(i.get().pid()).map(ProcessHandle::isAlive).orElse(false)) {
        return i.get().pid();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(instance + " was not ready for 20 s");
  }
}
