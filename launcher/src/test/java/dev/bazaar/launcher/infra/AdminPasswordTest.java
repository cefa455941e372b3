package dev.bazaar.launcher.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.launcher.infra.AdminPassword.Resolved;
import dev.bazaar.launcher.infra.AdminPassword.Source;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminPasswordTest {

  @TempDir Path data;

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

  private Resolved up(String env) {
    Resolved r = AdminPassword.resolve(data, env, new SecureRandom());
    r.announce(out);
    return r;
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theFirstUpGeneratesAStrongPasswordIntoAnOwnerOnlyFile() throws Exception {
    Resolved first = up(null);

    assertThat(first.source()).isEqualTo(Source.GENERATED);
    assertThat(first.password()).hasSize(24).matches("[A-Za-z0-9_-]{24}");
    Path file = data.resolve(AdminPassword.FILE);
    assertThat(first.file()).isEqualTo(file);
    assertThat(Files.readString(file).strip()).isEqualTo(first.password());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(data.resolve(AdminPassword.FILE + ".tmp")).doesNotExist();
  }

  @Test
  void thePasswordIsPrintedOnceAndReusedByLaterUps() {
    Resolved first = up(null);
    Resolved second = up(null);
    Resolved third = up("");

    assertThat(second.source()).isEqualTo(Source.FILE);
    assertThat(second.password()).isEqualTo(first.password());
    assertThat(third.password()).isEqualTo(first.password());
    String all = printed();
    assertThat(all.split(first.password(), -1)).hasSize(2);
    assertThat(all)
        .contains(
            "admin account: admin@bazaar.local / password: "
                + first.password()
                + " (also in "
                + data.resolve(AdminPassword.FILE)
                + ")");
    assertThat(all).contains("(password in " + data.resolve(AdminPassword.FILE) + ")");
  }

  @Test
  void thePasswordFromTheEnvironmentWinsAndWritesNoFile() {
    Resolved r = up("from-the-environment-1");

    assertThat(r.source()).isEqualTo(Source.ENVIRONMENT);
    assertThat(r.password()).isEqualTo("from-the-environment-1");
    assertThat(data.resolve(AdminPassword.FILE)).doesNotExist();
    assertThat(printed()).doesNotContain("from-the-environment-1");
  }

  @Test
  void theEnvironmentWinsOverAnEarlierFileToo() {
    Resolved generated = up(null);
    Resolved fromEnv = up("from-the-environment-2");

    assertThat(fromEnv.password()).isEqualTo("from-the-environment-2");
    assertThat(data.resolve(AdminPassword.FILE)).content().contains(generated.password());
  }

  @Test
  void generatedPasswordsDiffer() {
    Set<String> seen = new HashSet<>();
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < 100; i++) {
      seen.add(AdminPassword.generate(random));
    }
    assertThat(seen).hasSize(100);
  }
}
