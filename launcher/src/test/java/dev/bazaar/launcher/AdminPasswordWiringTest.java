package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.launcher.infra.AdminPassword;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code up} hands the administrator password to users, and only to users. */
class AdminPasswordWiringTest {

  @TempDir Path data;

  @Test
  void onlyUsersGetsTheAdminPassword() {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    SystemRunner runner =
        new SystemRunner(
            new SystemRunner.Options(
                data,
                data,
                8080,
                5673,
                5433,
                Duration.ofSeconds(5),
                null,
                null,
                null,
                false,
                SystemRunner.TRACING_OFF),
            quiet,
            quiet);
    runner.useAdminPassword(
        new AdminPassword.Resolved("x".repeat(24), AdminPassword.Source.FILE, data));
    Wiring wiring = ServicesTest.wiring(8080);

    assertThat(runner.serviceSpec(Services.byName("users"), wiring).env())
        .containsEntry(AdminPassword.ENV, "x".repeat(24));
    assertThat(runner.serviceSpec(Services.byName("users"), wiring, 2, 40001).env())
        .containsEntry(AdminPassword.ENV, "x".repeat(24));
    for (ServiceSpec s : Services.ALL) {
      if (!s.name().equals("users")) {
        assertThat(runner.serviceSpec(s, wiring).env()).doesNotContainKey(AdminPassword.ENV);
      }
    }
  }
}
