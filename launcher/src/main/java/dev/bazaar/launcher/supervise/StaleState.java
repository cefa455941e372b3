package dev.bazaar.launcher.supervise;

import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides whether the launcher recorded in a state file is still alive, and cleans up after one
 * that was killed with SIGKILL (its children and its PostgreSQL keep running).
 */
public final class StaleState {
  /** Slack between the JVM's start and the moment it wrote {@code startedAt}. */
  private static final Duration START_SLACK = Duration.ofSeconds(2);

  private static final Duration GRACE = Duration.ofSeconds(20);

  private final ProcessTable processes;

  public StaleState(ProcessTable processes) {
    this.processes = processes;
  }

  /**
   * True when the recorded launcher pid is a live process that started before the state file said
   * the launcher started; a later start time means the pid was reused by something else.
   */
  public boolean launcherAlive(LauncherState state) {
    Optional<ProcessTable.ProcessView> p = processes.find(state.launcherPid());
    if (p.isEmpty()) {
      return false;
    }
    Optional<Instant> started = p.get().startedAt();
    if (started.isEmpty()) {
      return true;
    }
    Instant recorded;
    try {
      recorded = state.startedAtInstant();
    } catch (RuntimeException e) {
      return true;
    }
    return !started.get().isAfter(recorded.plus(START_SLACK));
  }

  /**
   * The recorded instances whose pid is still alive and still ours: its command line mentions the
   * data dir (every child the launcher starts carries it), so a reused pid is never killed.
   */
  public List<InstanceState> leftovers(LauncherState state, Path dataDir) {
    String marker = dataDir.toAbsolutePath().normalize().toString();
    List<InstanceState> alive = new ArrayList<>();
    for (InstanceState i : state.instances()) {
      if (i.pid() <= 0 || i.pid() == ProcessHandle.current().pid()) {
        continue;
      }
      processes
          .find(i.pid())
          .filter(p -> p.commandLine().contains(marker))
          .ifPresent(p -> alive.add(i));
    }
    return alive;
  }

  /** Stops leftover children and a leftover PostgreSQL; returns one line per stopped process. */
  public List<String> cleanUp(Optional<LauncherState> state, Path dataDir) {
    List<String> stopped = new ArrayList<>();
    if (state.isPresent()) {
      // PostgreSQL goes last and by postmaster.pid: SIGTERM would wait for its clients.
      List<InstanceState> left =
          leftovers(state.get(), dataDir).stream()
              .filter(i -> !i.service().equals("postgres"))
              .toList();
      for (InstanceState i : left) {
        processes.terminate(i.pid(), false);
      }
      for (InstanceState i : left) {
        if (!processes.awaitExit(i.pid(), GRACE)) {
          processes.kill(i.pid());
          processes.awaitExit(i.pid(), Duration.ofSeconds(5));
        }
        stopped.add(i.instance() + " (pid " + i.pid() + ")");
      }
    }
    stopPostgres(dataDir).ifPresent(stopped::add);
    return stopped;
  }

  /**
   * Stops a postmaster still running on {@code <data>/postgres}: SIGINT (fast shutdown), then
   * SIGKILL after the grace period.
   */
  public Optional<String> stopPostgres(Path dataDir) {
    Path pgData = dataDir.toAbsolutePath().normalize().resolve("postgres");
    OptionalLong pid = postmasterPid(pgData);
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    long p = pid.getAsLong();
    boolean ours =
        processes.find(p).map(v -> v.commandLine().contains(pgData.toString())).orElse(false);
    if (!ours) {
      return Optional.empty();
    }
    processes.terminate(p, true);
    if (!processes.awaitExit(p, GRACE)) {
      processes.kill(p);
      processes.awaitExit(p, Duration.ofSeconds(5));
    }
    return Optional.of("postgres-1 (pid " + p + ")");
  }

  /** The first line of {@code postmaster.pid}. */
  public static OptionalLong postmasterPid(Path pgData) {
    Path file = pgData.resolve("postmaster.pid");
    try {
      List<String> lines = Files.readAllLines(file);
      if (lines.isEmpty()) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
