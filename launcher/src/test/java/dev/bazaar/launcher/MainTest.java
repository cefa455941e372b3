package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
  static int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(new StringWriter()));
    cli.setOut(new PrintWriter(new StringWriter()));
    return cli.execute(args);
  }

  @Test
  void badUsageExitsWithTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(run("up", "--base-port", "abc")).isEqualTo(2);
    assertThat(run("up", "--pg-port", "5432")).isEqualTo(2);
    assertThat(run("up", "--broker-port", "5672")).isEqualTo(2);
    assertThat(run("logs")).isEqualTo(2);
  }

  @Test
  void unknownServiceForLogsExitsWithTwo() {
    assertThat(run("logs", "nope", "--data-dir", "target/none")).isEqualTo(2);
  }
}
