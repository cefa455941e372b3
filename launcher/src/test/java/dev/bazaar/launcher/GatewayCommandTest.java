package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatewayCommandTest {

  @Test
  void aMissingOrAbsentRoutesFileIsBadUsage() {
    assertThat(MainTest.run("gateway")).isEqualTo(2);
    assertThat(MainTest.run("gateway", "--routes", "target/no-such-routes.yaml")).isEqualTo(2);
  }

  @Test
  void startsTheGatewayJarWithTheRoutesFileAndPort() {
    GatewayCommand command = new GatewayCommand();
    new CommandLine(command).parseArgs("--routes", "x.yaml", "--port", "9080");
    Path file = Path.of("/tmp/x.yaml");
    assertThat(command.command(file, Path.of("/r/gateway.jar")))
        .containsSubsequence(
            "-Dbazaar.gateway.routes-file=/tmp/x.yaml",
            "-Dquarkus.http.port=9080",
            "-jar",
            "/r/gateway.jar");
  }
}
