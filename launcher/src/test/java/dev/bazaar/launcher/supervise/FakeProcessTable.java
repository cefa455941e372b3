package dev.bazaar.launcher.supervise;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A process table held in memory: terminate and kill remove the process. */
final class FakeProcessTable implements ProcessTable {
  final Map<Long, ProcessView> processes = new HashMap<>();
  final List<String> signals = new ArrayList<>();

  FakeProcessTable with(long pid, Instant startedAt, String commandLine) {
    processes.put(pid, new ProcessView(pid, Optional.ofNullable(startedAt), commandLine));
    return this;
  }

  @Override
  public Optional<ProcessView> find(long pid) {
    return Optional.ofNullable(processes.get(pid));
  }

  @Override
  public void terminate(long pid, boolean interrupt) {
    signals.add((interrupt ? "INT " : "TERM ") + pid);
    processes.remove(pid);
  }

  @Override
  public void kill(long pid) {
    signals.add("KILL " + pid);
    processes.remove(pid);
  }

  @Override
  public boolean awaitExit(long pid, Duration timeout) {
    return !processes.containsKey(pid);
  }
}
