package dev.bazaar.launcher;

import dev.bazaar.launcher.cli.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bazaar gateway --routes FILE}: runs only the gateway, in the foreground, with the routes
 * (upstreams, limits, ...) of a YAML file; see {@code gateway/examples/routes.yaml}.
 */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description =
        "Run only the gateway, in the foreground, with the routes of a YAML file"
            + " (see gateway/examples/routes.yaml).")
final class GatewayCommand implements Callable<Integer> {
  static final String JAR = "gateway/target/quarkus-app/quarkus-run.jar";

  @Spec CommandSpec spec;

  @Option(
      names = "--routes",
      required = true,
      paramLabel = "FILE",
      description = "YAML routes file (bazaar.gateway.* and quarkus.* keys).")
  Path routes;

  /**
   * Handled by the {@code ./bazaar} script before the launcher starts (it rebuilds, then passes the
   * rest on); declared here so that {@code --help} lists it.
   */
  @Option(
      names = "--rebuild",
      description =
          "Rebuild everything first (./mvnw install without tests). Without it, ./bazaar rebuilds"
              + " only the modules whose sources are newer than their jars.")
  boolean rebuild;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "HTTP port (default: the file's quarkus.http.port, else 8080).")
  Integer port;

  @Override
  public Integer call() throws Exception {
    Path file = routes.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new ParameterException(spec.commandLine(), "--routes: no such file: " + file);
    }
    if (port != null && (port < 1 || port > 65535)) {
      throw new ParameterException(
          spec.commandLine(), "--port must be between 1 and 65535, but was " + port);
    }
    Path jar = Home.root().resolve(JAR);
    if (!Files.isRegularFile(jar)) {
      System.err.println(
          "error: " + jar + " is missing; build it with ./mvnw -q -f gateway/pom.xml package");
      return 1;
    }
    Process process = new ProcessBuilder(command(file, jar)).inheritIO().start();
    Thread stopper = new Thread(process::destroy, "bazaar-gateway-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    return process.waitFor();
  }

  List<String> command(Path file, Path jar) {
    List<String> command = new ArrayList<>();
    command.add(Home.javaExecutable());
    command.add("-Dbazaar.gateway.routes-file=" + file);
    if (port != null) {
      command.add("-Dquarkus.http.port=" + port);
    }
    command.add("-jar");
    command.add(jar.toString());
    return command;
  }
}
