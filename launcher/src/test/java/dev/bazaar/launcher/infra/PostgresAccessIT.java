package dev.bazaar.launcher.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.launcher.TestPorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the embedded PostgreSQL as a local process would try them: {@code psql} without a
 * password over TCP and over the Unix socket, one service's role reaching another's database, the
 * postmaster's environment.
 */
class PostgresAccessIT {
  static final List<String> DATABASES = List.of("bazaar_users", "bazaar_catalog");

  @TempDir Path data;

  @Test
  void everyConnectionNeedsAPasswordAndRolesStayInTheirDatabase() throws Exception {
    int port = TestPorts.free();
    Secrets secrets = new Secrets(data, new SecureRandom());
    try (EmbeddedPostgresServer pg =
        EmbeddedPostgresServer.start(
            data.resolve("postgres"),
            port,
            data.resolve("logs/postgres.log"),
            secrets.password(Secrets.POSTGRES_SUPERUSER))) {
      Databases.ensure(pg.adminJdbcUrl(), DATABASES, secrets);

      Psql tcp = psql("-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres");
      assertThat(tcp.exit()).as(tcp.output()).isNotZero();
      assertThat(tcp.output()).contains("password");

      // The socket is in the data directory, not in /tmp.
      assertThat(Path.of("/tmp/.s.PGSQL." + port)).doesNotExist();
      assertThat(pg.dataDir().resolve(".s.PGSQL." + port)).exists();
      Psql socket =
          psql("-h", pg.dataDir().toString(), "-p", Integer.toString(port), "-U", "postgres");
      assertThat(socket.exit()).as(socket.output()).isNotZero();
      assertThat(socket.output()).contains("password");

      String url = "jdbc:postgresql://127.0.0.1:" + port + "/";
      try (var c =
          DriverManager.getConnection(
              url + "bazaar_catalog", "bazaar_catalog", secrets.password("bazaar_catalog"))) {
        assertThat(c.isValid(2)).isTrue();
      }
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(
                      url + "bazaar_users", "bazaar_catalog", secrets.password("bazaar_catalog")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied for database");
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(
                      url + "postgres", "bazaar_catalog", secrets.password("bazaar_catalog")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied for database");

      String environ =
          new String(
              Files.readAllBytes(Path.of("/proc/" + pg.pid() + "/environ")),
              StandardCharsets.UTF_8);
      for (String name : System.getenv().keySet()) {
        if (!ChildEnvironment.of("postgres", System.getenv(), java.util.Map.of())
            .containsKey(name)) {
          assertThat(environ).as("postmaster environment").doesNotContain(name + "=");
        }
      }
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.file())))
        .isEqualTo("rw-------");
  }

  @Test
  void aTrustDataDirectoryIsTakenOver() throws Exception {
    int port = TestPorts.free();
    Path pgData = data.resolve("postgres");
    // What an earlier launcher left: zonky's initdb with trust authentication.
    try (EmbeddedPostgres old =
        EmbeddedPostgres.builder()
            .setDataDirectory(pgData)
            .setCleanDataDirectory(false)
            .setPort(port)
            .start()) {
      assertThat(old.getPostgresDatabase().getConnection().isValid(2)).isTrue();
    }
    String password = new Secrets(data, new SecureRandom()).password(Secrets.POSTGRES_SUPERUSER);
    try (EmbeddedPostgresServer pg =
        EmbeddedPostgresServer.start(pgData, port, data.resolve("logs/postgres.log"), password)) {
      try (var c = DriverManager.getConnection(pg.adminJdbcUrl())) {
        assertThat(c.isValid(2)).isTrue();
      }
      Psql tcp = psql("-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres");
      assertThat(tcp.exit()).as(tcp.output()).isNotZero();
    }
  }

  record Psql(int exit, String output) {}

  /** {@code psql -w} (never prompt) with no password anywhere in its environment. */
  static Psql psql(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("psql", "-w", "-d", "postgres"));
    command.addAll(List.of(args));
    command.addAll(List.of("-c", "SELECT 1"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("PGPASSWORD");
    pb.environment().put("PGPASSFILE", "/dev/null");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();
    return new Psql(p.exitValue(), out);
  }
}
