package dev.bazaar.launcher;

import dev.bazaar.launcher.cli.DataDirOption;
import dev.bazaar.launcher.cli.LogTail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Print (or follow) the log of a service, the broker or postgres.")
final class LogsCommand implements Callable<Integer> {
  static final int UNKNOWN_SERVICE = 2;

  @Mixin DataDirOption dataDir;

  @Parameters(index = "0", paramLabel = "SERVICE", description = "users, catalog, orders, ...")
  String service;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing what is appended.")
  boolean follow;

  @Option(
      names = {"-n", "--lines"},
      paramLabel = "N",
      defaultValue = "50",
      description = "How many of the last lines to print (default: ${DEFAULT-VALUE}).")
  int lines;

  @Override
  public Integer call() throws IOException {
    List<String> valid = Services.logNames();
    if (!valid.contains(service)) {
      System.err.println(
          "error: unknown service '" + service + "'; valid: " + String.join(", ", valid));
      return UNKNOWN_SERVICE;
    }
    Path log = dataDir.resolve().resolve("logs").resolve(service + ".log");
    if (!Files.exists(log) && !follow) {
      System.err.println("error: no log for " + service + " yet (" + log + ")");
      return 1;
    }
    LogTail.lastLines(log, lines).forEach(System.out::println);
    System.out.flush();
    if (follow) {
      long from = Files.exists(log) ? Files.size(log) : 0;
      LogTail.follow(log, from, System.out);
    }
    return 0;
  }
}
