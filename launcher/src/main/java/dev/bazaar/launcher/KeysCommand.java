package dev.bazaar.launcher;

import dev.bazaar.launcher.cli.DataDirOption;
import dev.bazaar.launcher.infra.AdminPassword;
import dev.bazaar.launcher.keys.KeyRotationClient;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.StateFile;
import dev.bazaar.launcher.supervise.ProcessTable;
import dev.bazaar.launcher.supervise.StaleState;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bazaar keys rotate}: the signing keys of users. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Signing keys of the access tokens.",
    subcommands = {KeysCommand.Rotate.class})
final class KeysCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: rotate");
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {
        "Rotate the signing key of the running Bazaar: the key users published ahead for it"
            + " signs (at once, or once it has been published for 2 min; says when), and a new"
            + " one is published for the next rotation; the old key verifies the tokens it"
            + " signed until they expire, then it is deleted. Logs in"
            + " through the gateway as admin@bazaar.local with $BAZAAR_ADMIN_PASSWORD, else the"
            + " password in <data dir>/initial-admin-password. Prints the new key id.",
        "Exit 0 rotated, 1 failed (login or rotation refused), 3 not running."
      })
  static final class Rotate extends PrintingCommand {
    static final int FAILED = 1;

    @Mixin DataDirOption dataDir;

    @Option(
        names = "--gateway-url",
        paramLabel = "URL",
        description =
            "Gateway to call (default: the running system's gateway on 127.0.0.1, from the data"
                + " dir's state).")
    URI gatewayUrl;

    /** Where the environment comes from; a test replaces it. */
    Function<String, String> environment = System::getenv;

    /** The running system's processes; a test replaces it. */
    ProcessTable processes = ProcessTable.os();

    /** Tells how long until a scheduled switch; a test replaces it. */
    Clock clock = Clock.systemUTC();

    @Override
    int run(PrintWriter out, PrintWriter err) {
      Path data = dataDir.resolve();
      Optional<URI> gateway =
          gatewayUrl != null ? Optional.of(gatewayUrl) : runningGateway(data, processes);
      if (gateway.isEmpty()) {
        err.println("Bazaar is not running (no running launcher for " + data + ")");
        return StatusCommand.NOT_RUNNING;
      }
      Optional<AdminPassword.Resolved> password =
          AdminPassword.existing(data, environment.apply(AdminPassword.ENV));
      if (password.isEmpty()) {
        err.println(
            "no administrator password: set "
                + AdminPassword.ENV
                + " or keep "
                + data.resolve(AdminPassword.FILE)
                + " (written by the first ./bazaar up)");
        return FAILED;
      }
      try {
        KeyRotationClient.Rotation rotation =
            new KeyRotationClient(gateway.get(), Duration.ofSeconds(30))
                .rotate(AdminPassword.EMAIL, password.get().password());
        out.println(rotation.kid());
        err.println(describe(rotation, clock.instant()));
        return 0;
      } catch (KeyRotationClient.Failure e) {
        err.println(e.getMessage());
        return e.unreachable() ? StatusCommand.NOT_RUNNING : FAILED;
      }
    }

    /**
     * {@code new signing key K; signs now|from T (in N s); retired (...): R; next key published:
     * X}, leaving out what users did not say.
     */
    static String describe(KeyRotationClient.Rotation rotation, Instant now) {
      StringBuilder sb = new StringBuilder("new signing key ").append(rotation.kid());
      if (rotation.signsFrom() != null) {
        long wait = Duration.between(now, rotation.signsFrom()).toSeconds();
        sb.append(
            wait < 1
                ? "; signs now"
                : "; signs from "
                    + rotation.signsFrom()
                    + " (in "
                    + wait
                    + " s, once published long enough; the current key signs until then)");
      }
      if (!rotation.retired().isEmpty()) {
        sb.append("; retired (verify their tokens until they expire): ")
            .append(String.join(", ", rotation.retired()));
      }
      if (rotation.next() != null) {
        sb.append("; next key published: ").append(rotation.next());
      }
      return sb.toString();
    }

    /** The first gateway instance of the launcher running for {@code data}, on loopback. */
    static Optional<URI> runningGateway(Path data, ProcessTable processes) {
      Optional<LauncherState> state = new StateFile(data).read();
      if (state.isEmpty() || !new StaleState(processes).launcherAlive(state.get())) {
        return Optional.empty();
      }
      return state.get().instances().stream()
          .filter(i -> i.service().equals("gateway") && i.port() > 0)
          .map(InstanceState::port)
          .findFirst()
          .map(port -> URI.create("http://127.0.0.1:" + port));
    }
  }
}
