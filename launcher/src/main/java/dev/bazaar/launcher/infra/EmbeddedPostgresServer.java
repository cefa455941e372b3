package dev.bazaar.launcher.infra;

import dev.bazaar.launcher.supervise.StaleState;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * PostgreSQL 17 from the zonky binaries, run by the launcher JVM with its data under {@code
 * <data>/postgres} (kept across restarts). The postmaster is its own process tree; a launcher
 * killed with SIGKILL leaves it running, see {@code StaleState.stopPostgres}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final int port;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir, int port) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.port = port;
  }

  /**
   * Starts (and on first use initialises) the server.
   *
   * @param dataDir the PostgreSQL data directory, e.g. {@code <data>/postgres}
   * @param logFile server output is appended here
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port, Path logFile)
      throws IOException {
    Path data = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(data.getParent());
    Files.createDirectories(logFile.getParent());
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile.toFile());
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("max_connections", "300")
            // zonky turns this off for speed; committed data must survive a kill -9 here.
            .setServerConfig("synchronous_commit", "on")
            .setOutputRedirector(log)
            .setErrorRedirector(log)
            .start();
    return new EmbeddedPostgresServer(pg, data, port);
  }

  public int port() {
    return port;
  }

  /** JDBC URL of the {@code postgres} superuser (trust authentication on localhost). */
  public String adminJdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  public long pid() {
    OptionalLong pid = StaleState.postmasterPid(dataDir);
    return pid.orElse(0);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
