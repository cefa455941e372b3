package dev.bazaar.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Running on PostgreSQL and RabbitMQ" command, run as printed (through {@code bash}
 * and {@code ./bazaar}) against the machine's PostgreSQL and RabbitMQ; only a data dir and ports of
 * the test's own are added. And what a wrong virtual host or password does: one line, within 10 s.
 * Runs with the real-infra profile (which CI enables).
 */
class ProductionCommandIT {

  /** The README's command, e.g. {@code BAZAAR_PG_URL='...' \ BAZAAR_AMQP_URL='...' ./bazaar up}. */
  static String readmeCommand(Path root) throws Exception {
    String readme = Files.readString(root.resolve("README.md"));
    Matcher m =
        Pattern.compile(
                "## Running on PostgreSQL and RabbitMQ\\s*```bash\\n(.*?)```", Pattern.DOTALL)
            .matcher(readme);
    assertThat(m.find()).as("README has the production command").isTrue();
    String command = m.group(1).strip();
    assertThat(command).endsWith("./bazaar up").contains("BAZAAR_AMQP_URL=");
    return command;
  }

  @Test
  void theReadmeProductionCommandStartsTheSystem() throws Exception {
    assumeTrue(BazaarSystem.realInfra(), "real infrastructure runs with -Preal-infra");
    // Signing keys an earlier run left in the shared bazaar_users are encrypted with that run's key
    // file; users refuses to start with them (docs/launcher.md, external PostgreSQL).
    BazaarSystem.forgetSigningKeys();
    BazaarSystem system = new BazaarSystem("readme-production", Map.of());
    String command =
        readmeCommand(system.root)
            + " --data-dir '"
            + system.dataDir
            + "' --base-port "
            + BazaarSystem.BASE_PORT
            + " --broker-port "
            + BazaarSystem.BROKER_PORT
            + " --pg-port "
            + BazaarSystem.PG_PORT;
    Path log = system.dataDir.resolveSibling("readme-production-launcher.log");
    Process p =
        new ProcessBuilder("bash", "-c", command)
            .directory(system.root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (!Files.readString(log).contains("Bazaar is up")) {
        assertThat(p.isAlive()).as("./bazaar up is running:\n" + Files.readString(log)).isTrue();
        assertThat(System.nanoTime())
            .as("ready in 180 s:\n" + Files.readString(log))
            .isLessThan(deadline);
        Thread.sleep(200);
      }
      assertThat(Files.readString(log))
          .contains("using external PostgreSQL")
          .contains("creating the broker users on $BAZAAR_AMQP_URL")
          .contains("broker users ready");
      assertThat(BazaarSystem.ready(system.gateway() + "/q/health/ready")).isTrue();
      assertThat(new Api(system.gateway()).get("/api/v1/products?size=1", null).status())
          .isEqualTo(200);
    } finally {
      system.down();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void anUnknownVirtualHostIsOneLineWithinTenSeconds() throws Exception {
    assumeTrue(BazaarSystem.realInfra(), "real infrastructure runs with -Preal-infra");
    String vhost = "bazaar-missing-" + UUID.randomUUID().toString().substring(0, 8);
    Refusal r = upWith("amqp://guest:guest@127.0.0.1:5672/" + vhost);

    assertThat(r.errorLine())
        .contains("$BAZAAR_AMQP_URL")
        .contains("amqp://guest:***@127.0.0.1:5672/" + vhost)
        .contains("no virtual host '" + vhost + "'");
  }

  @Test
  void theEmptyVirtualHostOfATrailingSlashPointsAtPercent2F() throws Exception {
    assumeTrue(BazaarSystem.realInfra(), "real infrastructure runs with -Preal-infra");
    Refusal r = upWith("amqp://guest:guest@127.0.0.1:5672/");

    assertThat(r.errorLine()).contains("no virtual host ''").contains("%2F");
  }

  @Test
  void aWrongPasswordIsOneLineWithinTenSecondsAndNeverShown() throws Exception {
    assumeTrue(BazaarSystem.realInfra(), "real infrastructure runs with -Preal-infra");
    Refusal r = upWith("amqp://guest:not-the-password@127.0.0.1:5672/%2F");

    assertThat(r.errorLine())
        .contains("$BAZAAR_AMQP_URL")
        .contains("refused user 'guest'")
        .contains("wrong user name or password");
    assertThat(r.output()).doesNotContain("not-the-password");
  }

  record Refusal(String output, String errorLine) {}

  /** {@code bazaar up} on the machine's PostgreSQL and the given broker URL; must fail fast. */
  private static Refusal upWith(String amqpUrl) throws Exception {
    BazaarSystem system =
        new BazaarSystem("refused-" + UUID.randomUUID().toString().substring(0, 8), Map.of());
    List<String> cmd =
        new ArrayList<>(
            system.command(
                "up",
                "--data-dir",
                system.dataDir.toString(),
                "--base-port",
                String.valueOf(BazaarSystem.BASE_PORT),
                "--broker-port",
                String.valueOf(BazaarSystem.BROKER_PORT),
                "--pg-port",
                String.valueOf(BazaarSystem.PG_PORT)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("BAZAAR_PG_URL", BazaarSystem.realPgAdminUrl());
    pb.environment().put("BAZAAR_AMQP_URL", amqpUrl);
    long start = System.nanoTime();
    Process p = pb.start();
    boolean exited = p.waitFor(10, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(exited).as("up stopped within 10 s:\n" + out).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    List<String> errors = out.lines().filter(l -> l.startsWith("error:")).toList();
    assertThat(errors).as(out).hasSize(1);
    assertThat(out.lines().filter(l -> !l.isBlank()).toList())
        .as("nothing but the error line")
        .containsExactlyElementsOf(errors);
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
    return new Refusal(out, errors.get(0));
  }
}
