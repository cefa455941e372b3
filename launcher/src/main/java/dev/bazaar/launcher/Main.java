package dev.bazaar.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code bazaar} command line. */
@Command(
    name = "bazaar",
    mixinStandardHelpOptions = true,
    version = "bazaar 0.1.0",
    description = "Runs the Bazaar system locally.",
    footer = {
      "",
      "Options of a command: bazaar <command> --help.",
      "Before up and gateway the script rebuilds the modules whose sources are newer than",
      "their jars, one line per module; --rebuild rebuilds everything."
    },
    subcommands = {
      UpCommand.class,
      StatusCommand.class,
      DownCommand.class,
      LogsCommand.class,
      ScaleCommand.class,
      GatewayCommand.class,
      MessagesCommand.class,
      KeysCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing command");
  }

  public static void main(String[] args) {
    configureLogging();
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  /** zonky and the JDBC driver log through slf4j-simple; keep the console to our own lines. */
  private static void configureLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
  }
}
