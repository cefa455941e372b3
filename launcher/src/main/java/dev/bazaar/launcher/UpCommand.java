package dev.bazaar.launcher;

import dev.bazaar.launcher.cli.DataDirOption;
import dev.bazaar.launcher.cli.Home;
import dev.bazaar.launcher.tls.GatewayTls;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start PostgreSQL, the AMQP broker, every service and the gateway; supervise them in the"
            + " foreground until Ctrl-C.")
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDir;

  @Option(
      names = "--base-port",
      paramLabel = "P",
      defaultValue = "8080",
      description = "Gateway port; services use P+1 ... P+5 (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(
      names = "--broker-port",
      paramLabel = "N",
      defaultValue = "5673",
      description = "Port of the embedded AMQP broker (default: ${DEFAULT-VALUE}).")
  int brokerPort;

  @Option(
      names = "--pg-port",
      paramLabel = "N",
      defaultValue = "5433",
      description = "Port of the embedded PostgreSQL (default: ${DEFAULT-VALUE}).")
  int pgPort;

  @Option(
      names = "--ready-timeout",
      paramLabel = "SECONDS",
      defaultValue = "90",
      description = "How long each process may take to become ready (default: ${DEFAULT-VALUE}).")
  int readyTimeout;

  @Option(
      names = "--verbose",
      description =
          "Also print when each process became ready, counted from its own launch (the stage"
              + " times are always printed).")
  boolean verbose;

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
      names = "--tls",
      description =
          "Also serve the gateway over https with a self-signed certificate made into <data>/tls/.")
  boolean tls;

  @Option(
      names = "--https-port",
      paramLabel = "N",
      defaultValue = "8443",
      description = "The gateway's https port with --tls (default: ${DEFAULT-VALUE}).")
  int httpsPort;

  @Option(
      names = "--tracing",
      description =
          "Also run Zipkin (traces of every request and message, in memory) on 127.0.0.1 and have"
              + " every service and the gateway export to it; the console links each order to its"
              + " trace (docs/tracing.md).")
  boolean tracing;

  @Option(
      names = "--zipkin-port",
      paramLabel = "N",
      defaultValue = "9411",
      description = "Zipkin's port with --tracing (default: ${DEFAULT-VALUE}).")
  int zipkinPort;

  @Override
  public Integer call() throws Exception {
    int highest = Services.ALL.stream().mapToInt(ServiceSpec::portOffset).max().orElse(0);
    requirePort("--base-port", basePort, highest);
    requirePort("--broker-port", brokerPort, 0);
    requirePort("--pg-port", pgPort, 0);
    // The well-known ports belong to a system RabbitMQ / PostgreSQL; the embedded ones never take
    // them, so they can run side by side.
    if (brokerPort == 5672) {
      throw new ParameterException(
          spec.commandLine(), "--broker-port must not be 5672 (RabbitMQ's port)");
    }
    if (pgPort == 5432) {
      throw new ParameterException(
          spec.commandLine(), "--pg-port must not be 5432 (a system PostgreSQL's port)");
    }
    if (readyTimeout < 1) {
      throw new ParameterException(
          spec.commandLine(), "--ready-timeout must be at least 1, but was " + readyTimeout);
    }
    SystemRunner.Options options =
        new SystemRunner.Options(
            Home.root(),
            dataDir.resolve(),
            basePort,
            brokerPort,
            pgPort,
            Duration.ofSeconds(readyTimeout),
            blankToNull(System.getenv(SystemRunner.ENV_PG_URL)),
            blankToNull(System.getenv(SystemRunner.ENV_AMQP_URL)),
            tls ? gatewayTls() : null,
            verbose,
            tracing ? zipkinPort() : SystemRunner.TRACING_OFF);
    return new SystemRunner(options, System.out, System.err).up();
  }

  private int zipkinPort() {
    requirePort("--zipkin-port", zipkinPort, 0);
    return zipkinPort;
  }

  private GatewayTls gatewayTls() throws Exception {
    requirePort("--https-port", httpsPort, 0);
    return GatewayTls.ensure(dataDir.resolve().resolve("tls"), Home.javaExecutable(), httpsPort);
  }

  private void requirePort(String option, int port, int extra) {
    if (port < 1 || port + extra > 65535) {
      throw new ParameterException(
          spec.commandLine(),
          option + " must be between 1 and " + (65535 - extra) + ", but was " + port);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
