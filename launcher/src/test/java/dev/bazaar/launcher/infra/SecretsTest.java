package dev.bazaar.launcher.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  @TempDir Path data;

  @Test
  void generatesAPasswordOnceAndKeepsItInAnOwnerOnlyFile() throws Exception {
    Secrets secrets = new Secrets(data, new SplittableRandom(7));
    String first = secrets.password("bazaar_users");

    assertThat(first).hasSize(32).matches("[A-Za-z0-9]+");
    assertThat(secrets.password("bazaar_users")).isEqualTo(first);
    assertThat(secrets.password("bazaar_orders")).isNotEqualTo(first);
    assertThat(new Secrets(data, new SplittableRandom(8)).password("bazaar_users"))
        .isEqualTo(first);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.file())))
        .isEqualTo("rw-------");
  }
}
