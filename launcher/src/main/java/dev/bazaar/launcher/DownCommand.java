package dev.bazaar.launcher;

import dev.bazaar.launcher.cli.DataDirOption;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.StateFile;
import dev.bazaar.launcher.supervise.ProcessTable;
import dev.bazaar.launcher.supervise.StaleState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description =
        "Stop a running Bazaar (or clean up after a launcher that was killed) and wait until every"
            + " process is gone.")
final class DownCommand implements Callable<Integer> {
  static final Duration WAIT = Duration.ofSeconds(60);

  @Mixin DataDirOption dataDir;

  @Override
  public Integer call() {
    Path data = dataDir.resolve();
    ProcessTable processes = ProcessTable.os();
    StaleState stale = new StaleState(processes);
    StateFile stateFile = new StateFile(data);
    Optional<LauncherState> state = stateFile.read();
    if (state.isEmpty()) {
      Optional<String> pg = stale.stopPostgres(data);
      if (pg.isPresent()) {
        System.out.println("stopped a leftover " + pg.get());
      } else {
        System.out.println("Bazaar is not running");
      }
      return 0;
    }
    LauncherState s = state.get();
    if (stale.launcherAlive(s)) {
      List<InstanceState> running = stale.leftovers(s, data);
      System.out.println("stopping Bazaar (launcher pid " + s.launcherPid() + ") ...");
      processes.terminate(s.launcherPid(), false);
      long deadline = System.nanoTime() + WAIT.toNanos();
      boolean launcherGone = processes.awaitExit(s.launcherPid(), WAIT);
      for (InstanceState i : running) {
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        processes.awaitExit(i.pid(), left);
      }
      if (!launcherGone) {
        System.out.println(
            "the launcher did not stop within " + WAIT.toSeconds() + " s; killing it");
        processes.kill(s.launcherPid());
        processes.awaitExit(s.launcherPid(), Duration.ofSeconds(5));
      }
      List<String> forced = stale.cleanUp(Optional.of(s), data);
      forced.forEach(line -> System.out.println("killed " + line + " (it outlived the launcher)"));
      // In the order the launcher stops them: the last started first.
      for (InstanceState i : running.reversed()) {
        System.out.println("stopped " + i.instance() + " (pid " + i.pid() + ")");
      }
      System.out.println("stopped launcher (pid " + s.launcherPid() + ")");
    } else {
      System.out.println(
          "the launcher (pid " + s.launcherPid() + ") is gone; cleaning up what it left");
      List<String> stopped = stale.cleanUp(state, data);
      stopped.forEach(line -> System.out.println("stopped " + line));
      if (stopped.isEmpty()) {
        System.out.println("nothing was left running");
      }
    }
    stateFile.delete();
    System.out.println("Bazaar is down");
    return 0;
  }
}
