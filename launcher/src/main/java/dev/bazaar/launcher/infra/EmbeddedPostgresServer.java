package dev.bazaar.launcher.infra;

import dev.bazaar.launcher.supervise.StaleState;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL 17 from the zonky binaries, run by the launcher with its data under {@code
 * <data>/postgres} (kept across restarts).
 *
 * <p>Nobody gets in without a password: every connection, over TCP on 127.0.0.1 or over the Unix
 * socket, is authenticated with SCRAM-SHA-256 ({@code pg_hba.conf} is rewritten at every start).
 * The superuser {@code postgres} has a generated password that the launcher keeps in {@code
 * <data>/secrets.properties} (mode 600). The Unix socket lives in the data directory (mode 700)
 * with mode 700 itself, not in the world-writable {@code /tmp}. The postmaster gets the
 * allow-listed environment of {@link ChildEnvironment}, nothing of the launcher's secrets.
 *
 * <p>A data directory made by an earlier launcher with trust authentication is taken over: the
 * superuser gets its password in single-user mode (read from standard input, so it is on no command
 * line) before the server starts with the new {@code pg_hba.conf}.
 *
 * <p>The postmaster runs in its own session; a launcher killed with SIGKILL leaves it running, see
 * {@code StaleState.stopPostgres}.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  /** First line of the {@code pg_hba.conf} the launcher writes; its absence means trust. */
  static final String HBA_MARKER = "# bazaar: SCRAM-SHA-256 for every connection";

  static final String SUPERUSER = "postgres";
  private static final Duration START_WAIT = Duration.ofSeconds(60);
  private static final Duration STOP_WAIT = Duration.ofSeconds(20);

  /** Longest Unix socket path Linux accepts (sun_path is 108 bytes with the terminating NUL). */
  private static final int MAX_SOCKET_PATH = 107;

  private final Process postmaster;
  private final Path dataDir;
  private final int port;
  private final String password;

  private EmbeddedPostgresServer(Process postmaster, Path dataDir, int port, String password) {
    this.postmaster = postmaster;
    this.dataDir = dataDir;
    this.port = port;
    this.password = password;
  }

  /**
   * Starts (and on first use initialises) the server.
   *
   * @param dataDir the PostgreSQL data directory, e.g. {@code <data>/postgres}
   * @param logFile server output is appended here
   * @param superuserPassword the password of {@code postgres}, set at initdb or when taking over a
   *     trust data directory
   */
  public static EmbeddedPostgresServer start(
      Path dataDir, int port, Path logFile, String superuserPassword) throws IOException {
    Path data = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(data.getParent());
    Files.createDirectories(logFile.getParent());
    Path bin = PostgresBinaries.home().resolve("bin");
    if (!Files.exists(data.resolve("PG_VERSION"))) {
      initdb(bin, data, superuserPassword, logFile);
    } else if (!ownHba(data)) {
      setSuperuserPassword(bin, data, superuserPassword, logFile);
    }
    SecretFile.write(data.resolve("pg_hba.conf"), hba());
    Process postmaster = run(postmasterCommand(bin, data, port), logFile);
    EmbeddedPostgresServer server =
        new EmbeddedPostgresServer(postmaster, data, port, superuserPassword);
    try {
      server.awaitReady();
      server.closeSharedDatabases();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  static String hba() {
    return HBA_MARKER
        + "\n"
        + "# Written at every start by ./bazaar up; edits are lost.\n"
        + "local all all scram-sha-256\n"
        + "host all all 127.0.0.1/32 scram-sha-256\n"
        + "host all all ::1/128 scram-sha-256\n";
  }

  private static boolean ownHba(Path data) throws IOException {
    Path hba = data.resolve("pg_hba.conf");
    return Files.exists(hba)
        && Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
            .findFirst()
            .filter(HBA_MARKER::equals)
            .isPresent();
  }

  private static void initdb(Path bin, Path data, String password, Path logFile)
      throws IOException {
    // initdb reads the password from a file; it exists (mode 600) only while initdb runs.
    Path pwfile = data.resolveSibling("." + data.getFileName() + ".pwfile");
    SecretFile.write(pwfile, password + "\n");
    try {
      await(
          run(
              List.of(
                  bin.resolve("initdb").toString(),
                  "-A",
                  "scram-sha-256",
                  "-U",
                  SUPERUSER,
                  "--pwfile=" + pwfile,
                  "-D",
                  data.toString(),
                  "-E",
                  "UTF-8"),
              logFile),
          "initdb");
    } finally {
      Files.deleteIfExists(pwfile);
    }
  }

  /** Single-user mode, the statement on standard input: the server is not running yet. */
  private static void setSuperuserPassword(Path bin, Path data, String password, Path logFile)
      throws IOException {
    Process p =
        start(
            List.of(
                bin.resolve("postgres").toString(), "--single", "-D", data.toString(), "postgres"),
            logFile,
            true);
    try (OutputStream in = p.getOutputStream()) {
      in.write(
          ("ALTER ROLE " + SUPERUSER + " PASSWORD '" + password.replace("'", "''") + "'\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    await(p, "setting the PostgreSQL superuser's password");
  }

  static List<String> postmasterCommand(Path bin, Path data, int port) {
    String socket = data.resolve(".s.PGSQL." + port).toString();
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("postgres").toString());
    command.addAll(List.of("-D", data.toString(), "-p", Integer.toString(port)));
    // Without fsync, as zonky ran it: committed data survives a kill -9 of any process (it is in
    // the OS page cache), not a crash of the machine.
    command.add("-F");
    Map.of(
            "listen_addresses", "127.0.0.1",
            // A path too long for a socket: TCP only, rather than a socket somewhere shared.
            "unix_socket_directories", socket.length() <= MAX_SOCKET_PATH ? data.toString() : "",
            "unix_socket_permissions", "0700",
            "password_encryption", "scram-sha-256",
            "timezone", "UTC",
            "max_connections", "300",
            // zonky turned this off for speed; committed data must survive a kill -9 here.
            "synchronous_commit", "on")
        .forEach((k, v) -> command.addAll(List.of("-c", k + "=" + v)));
    return command;
  }

  private static Process run(List<String> command, Path logFile) throws IOException {
    return start(command, logFile, false);
  }

  private static Process start(List<String> command, Path logFile, boolean stdin)
      throws IOException {
    List<String> full = new ArrayList<>();
    // Its own session: a Ctrl-C meant for the launcher does not reach PostgreSQL, which the
    // launcher stops last.
    full.add("setsid");
    if (LinuxUtils.isUnshareAvailable()) {
      // PostgreSQL refuses to run as root; as zonky does, a user namespace makes it someone else.
      full.addAll(List.of("unshare", "-U"));
    }
    full.addAll(command);
    ProcessBuilder pb =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    if (!stdin) {
      pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }
    ChildEnvironment.apply(pb.environment(), "postgres", Map.of());
    return pb.start();
  }

  private static void await(Process p, String what) throws IOException {
    try {
      if (!p.waitFor(START_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(what + " did not finish within " + START_WAIT.toSeconds() + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException(what + " was interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IOException(what + " failed with exit code " + p.exitValue());
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + START_WAIT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!postmaster.isAlive()) {
        throw new IOException("PostgreSQL exited with code " + postmaster.exitValue());
      }
      try (Connection c = DriverManager.getConnection(adminJdbcUrl())) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for PostgreSQL");
      }
    }
    throw new IOException(
        "PostgreSQL did not accept connections within "
            + START_WAIT.toSeconds()
            + " s"
            + (last == null ? "" : ": " + last.getMessage()));
  }

  /**
   * The server is Bazaar's alone, so the databases every role may connect to by default ({@code
   * postgres}, {@code template1}) are closed to all but the superuser.
   */
  private void closeSharedDatabases() throws IOException {
    try (Connection c = DriverManager.getConnection(adminJdbcUrl());
        java.sql.Statement s = c.createStatement()) {
      s.execute("REVOKE ALL ON DATABASE postgres FROM PUBLIC");
      s.execute("REVOKE ALL ON DATABASE template1 FROM PUBLIC");
    } catch (SQLException e) {
      throw new IOException("cannot restrict the shared databases: " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /** The data directory, which also holds the Unix socket. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * JDBC URL of the {@code postgres} superuser, password included: for the launcher's own use only
   * (print it through {@link PgUrls#redact}).
   */
  public String adminJdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:"
        + port
        + "/postgres?user="
        + SUPERUSER
        + "&password="
        + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
  }

  public long pid() {
    OptionalLong pid = StaleState.postmasterPid(dataDir);
    return pid.orElse(postmaster.pid());
  }

  /** Fast shutdown (SIGINT: open sessions are ended), SIGKILL if that takes over 20 s. */
  @Override
  public void close() throws IOException {
    if (!postmaster.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid())).start().waitFor();
      if (!postmaster.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
        postmaster.destroyForcibly();
        postmaster.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      postmaster.destroyForcibly();
    }
  }
}
