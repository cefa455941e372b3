package dev.bazaar.launcher;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.bazaar.launcher.cli.DataDirOption;
import dev.bazaar.launcher.cli.Table;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.StateFile;
import dev.bazaar.launcher.supervise.ProcessTable;
import dev.bazaar.launcher.supervise.StaleState;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show every instance: pid, port, state, restarts. Exit 0 running, 3 not running.")
final class StatusCommand implements Callable<Integer> {
  static final int NOT_RUNNING = 3;

  @Mixin DataDirOption dataDir;

  @Option(names = "--json", description = "Print a JSON array instead of a table.")
  boolean json;

  /** One line of {@code status --json}. */
  @JsonPropertyOrder({"service", "instance", "pid", "port", "state", "restarts"})
  record Row(String service, String instance, long pid, int port, String state, int restarts) {}

  @Override
  public Integer call() {
    Path data = dataDir.resolve();
    ProcessTable processes = ProcessTable.os();
    Optional<LauncherState> state = new StateFile(data).read();
    boolean running = state.isPresent() && new StaleState(processes).launcherAlive(state.get());
    if (!running) {
      if (json) {
        System.out.println("[]");
      } else if (state.isPresent()) {
        System.out.println(
            "Bazaar is not running (launcher pid "
                + state.get().launcherPid()
                + " is gone; ./bazaar down cleans up what it left)");
      } else {
        System.out.println("Bazaar is not running");
      }
      return NOT_RUNNING;
    }
    List<Row> rows = rows(state.get(), processes);
    if (json) {
      System.out.println(json(rows));
    } else {
      System.out.println(
          "Bazaar is running (launcher pid "
              + state.get().launcherPid()
              + ", since "
              + state.get().startedAt()
              + ", data dir "
              + data
              + ")");
      System.out.print(table(rows));
      traceUi(rows).ifPresent(url -> System.out.println("Traces (Zipkin): " + url));
    }
    return 0;
  }

  /** The recorded instances; a process that should be running but is gone shows as dead. */
  static List<Row> rows(LauncherState state, ProcessTable processes) {
    return state.instances().stream()
        .map(
            i ->
                new Row(
                    i.service(),
                    i.instance(),
                    i.pid(),
                    i.port(),
                    displayState(i, processes),
                    i.restarts()))
        .toList();
  }

  private static String displayState(InstanceState i, ProcessTable processes) {
    if (i.state().expectsProcess() && processes.find(i.pid()).isEmpty()) {
      return "dead";
    }
    return i.state().label();
  }

  /** Zipkin's UI when {@code up --tracing} runs it. */
  static Optional<String> traceUi(List<Row> rows) {
    return rows.stream()
        .filter(r -> r.service().equals("zipkin"))
        .findFirst()
        .map(r -> dev.bazaar.launcher.tracing.ZipkinServer.uiUrl(r.port()));
  }

  static String json(List<Row> rows) {
    return StateFile.toJson(rows);
  }

  static String table(List<Row> rows) {
    return Table.render(
        List.of("service", "instance", "pid", "port", "state", "restarts"),
        rows.stream()
            .map(
                r ->
                    List.of(
                        r.service(),
                        r.instance(),
                        Long.toString(r.pid()),
                        Integer.toString(r.port()),
                        r.state(),
                        Integer.toString(r.restarts())))
            .toList());
  }
}
