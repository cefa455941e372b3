package dev.bazaar.launcher.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The start-up cache of each JVM the launcher starts, one per build of its jar.
 *
 * <p>On JDK 25 and later it is an AOT cache (JEP 483/514/515: classes loaded and linked, and method
 * profiles, so C2 starts from where the training run left off). A JVM whose build has no cache yet
 * runs as the training run ({@code -XX:AOTMode=record}): its whole session, real requests included,
 * is the workload, and it writes the configuration when it exits. When everything has stopped,
 * {@link #assemble} turns each new configuration into the cache ({@code -XX:AOTMode=create}); the
 * next start maps it ({@code -XX:AOTCache}). The file names carry a hash of the jar's path, size
 * and time and of the JDK, so a rebuilt jar or another JDK never meets an old cache (the JVM checks
 * the jar too, and runs without a cache that does not match).
 *
 * <p>On JDK 21 to 24 it is the dynamic class-data archive the JVM keeps up to date itself ({@code
 * -XX:+AutoCreateSharedArchive}).
 */
public final class StartupCache {
  /** {@code BAZAAR_AOT=off} runs every JVM without a cache (for measurements). */
  public static final String ENV_SWITCH = "BAZAAR_AOT";

  /** {@code BAZAAR_AOT_DIR} puts the AOT caches elsewhere than the build's {@code target/aot}. */
  public static final String ENV_DIR = "BAZAAR_AOT_DIR";

  private final Path dir;
  private final int javaFeature;
  private final String javaVersion;
  private final boolean enabled;
  private final List<Process> assembling = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Names this launcher's training files: launchers sharing the directory (several data dirs of one
   * build) never write the same configuration or partial cache.
   */
  private final long owner = ProcessHandle.current().pid();

  public StartupCache(Path dir, int javaFeature, String javaVersion, boolean enabled) {
    this.dir = dir;
    this.javaFeature = javaFeature;
    this.javaVersion = javaVersion;
    this.enabled = enabled;
  }

  /**
   * Where the AOT caches of the build at {@code home} live: with the build ({@code
   * <home>/target/aot}, so {@code mvn clean} removes them and every data dir of the build shares
   * them), or where {@code BAZAAR_AOT_DIR} ({@code configured}) says.
   */
  public static Path directory(Path home, String configured) {
    return configured == null || configured.isBlank()
        ? home.resolve("target").resolve("aot")
        : Path.of(configured).toAbsolutePath();
  }

  /** For the JDK this launcher runs on; children run on the same one. */
  public static StartupCache forThisJvm(Path dir) {
    return new StartupCache(
        dir,
        Runtime.version().feature(),
        Runtime.version().toString(),
        !"off".equalsIgnoreCase(System.getenv(ENV_SWITCH)));
  }

  /** Whether this JDK has AOT caches ({@code -XX:AOTCache}, JDK 25 and later). */
  public static boolean aotSupported() {
    return Runtime.version().feature() >= 25;
  }

  public boolean aot() {
    return enabled && javaFeature >= 25;
  }

  /** The JVM options for process {@code name} whose code is {@code jar}. */
  public List<String> options(String name, Path jar) {
    List<String> options = new ArrayList<>();
    if (!enabled) {
      return options;
    }
    if (!aot()) {
      options.add("-XX:+AutoCreateSharedArchive");
      options.add("-XX:SharedArchiveFile=" + dir.resolve(name + ".jsa"));
      options.add("-Xlog:cds=off");
      options.add("-Xlog:cds+dynamic=off");
      return options;
    }
    Path cache = cacheFile(name, jar);
    if (Files.isRegularFile(cache)) {
      options.add("-XX:AOTCache=" + cache);
    } else {
      options.add("-XX:AOTMode=record");
      options.add("-XX:AOTConfiguration=" + configFile(name, jar));
    }
    // A cache that does not fit is skipped; the start is then only slower. No warnings in the logs.
    options.add("-Xlog:aot=off");
    options.add("-Xlog:cds=off");
    return options;
  }

  /** Where the cache of this build of {@code jar} is (whether or not it exists yet). */
  public Path cacheFile(String name, Path jar) {
    return dir.resolve(name + "-" + buildKey(jar) + ".aot");
  }

  Path configFile(String name, Path jar) {
    return dir.resolve(name + "-" + buildKey(jar) + "-" + owner + ".aotconf");
  }

  /** Whether any of these JVMs ran as a training run and left a configuration to assemble. */
  public boolean pending(List<Jvm> jvms) {
    return aot()
        && jvms.stream()
            .anyMatch(
                j ->
                    Files.isRegularFile(configFile(j.name(), j.jar()))
                        && !Files.isRegularFile(cacheFile(j.name(), j.jar())));
  }

  /**
   * Turns the configurations recorded by training runs into caches, each with {@code java
   * -XX:AOTMode=create} (a few seconds of CPU each, in parallel), and deletes other builds' caches.
   *
   * @param events one line per cache written or failed
   */
  public void assemble(List<Jvm> jvms, Consumer<String> events) {
    if (!aot()) {
      return;
    }
    List<Runnable> done = new ArrayList<>();
    List<Process> running = new ArrayList<>();
    for (Jvm jvm : jvms) {
      Path config = configFile(jvm.name(), jvm.jar());
      Path cache = cacheFile(jvm.name(), jvm.jar());
      if (!Files.isRegularFile(config)) {
        continue;
      }
      if (Files.isRegularFile(cache)) {
        // Another launcher of this build wrote it while this one trained.
        try {
          Files.deleteIfExists(config);
        } catch (IOException e) {
          // left for the next assembly's clean-up
        }
        continue;
      }
      Path partial = cache.resolveSibling(cache.getFileName() + "." + owner + ".partial");
      List<String> command = new ArrayList<>();
      command.add(jvm.java());
      command.addAll(jvm.options());
      command.add("-XX:AOTMode=create");
      command.add("-XX:AOTConfiguration=" + config);
      command.add("-XX:AOTCache=" + partial);
      command.add("-Xlog:aot=off");
      command.add("-Xlog:cds=off");
      command.addAll(jvm.launch());
      Process p;
      try {
        p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
      } catch (IOException e) {
        events.accept("AOT cache for " + jvm.name() + " not written: " + e.getMessage());
        continue;
      }
      running.add(p);
      assembling.add(p);
      done.add(() -> finish(jvm, p, config, partial, cache, events));
    }
    done.forEach(Runnable::run);
    assembling.clear();
  }

  /** Stops an {@link #assemble} in progress (a second Ctrl-C); the next stop tries again. */
  public void abort() {
    assembling.forEach(Process::destroyForcibly);
  }

  private void finish(
      Jvm jvm, Process p, Path config, Path partial, Path cache, Consumer<String> events) {
    try {
      boolean ok = p.waitFor(180, TimeUnit.SECONDS) && p.exitValue() == 0;
      if (ok && Files.isRegularFile(partial) && Files.size(partial) > 0) {
        // Renamed only once complete: a start never maps a half-written cache. Another launcher of
        // the same build may have written the same cache meanwhile: either is as good.
        Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(config);
        deleteOtherBuilds(jvm.name(), cache);
        events.accept(
            "AOT cache for " + jvm.name() + " written (" + Files.size(cache) / (1 << 20) + " MB)");
      } else {
        p.destroyForcibly();
        Files.deleteIfExists(partial);
        events.accept("AOT cache for " + jvm.name() + " not written; it starts without one");
      }
    } catch (IOException e) {
      events.accept("AOT cache for " + jvm.name() + " not written: " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void deleteOtherBuilds(String name, Path keep) throws IOException {
    String quoted = java.util.regex.Pattern.quote(name);
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (!f.equals(keep) && n.matches(quoted + "-[0-9a-f]{16}\\.aot")) {
          Files.deleteIfExists(f);
        }
        // What a launcher that died while training left behind.
        var leftover =
            java.util.regex.Pattern.compile(
                    quoted + "-[0-9a-f]{16}(?:\\.aot)?[.-]([0-9]+)\\.(?:aotconf|partial)")
                .matcher(n);
        if (leftover.matches()
            && ProcessHandle.of(Long.parseLong(leftover.group(1)))
                .map(ProcessHandle::isAlive)
                .map(alive -> !alive)
                .orElse(true)) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** 16 hex digits of SHA-256 over the jar's absolute path, size and time, and the JDK version. */
  String buildKey(Path jar) {
    String identity;
    try {
      identity =
          jar.toAbsolutePath()
              + "|"
              + Files.size(jar)
              + "|"
              + Files.getLastModifiedTime(jar).toMillis()
              + "|"
              + javaVersion;
    } catch (IOException e) {
      identity = jar.toAbsolutePath() + "|missing|" + javaVersion;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A JVM as it ran: enough to assemble its cache with the same options and classpath.
   *
   * @param options the JVM options other than the cache's (heap, GC: the cache must match them)
   * @param launch {@code -jar X} or {@code -cp CP Main}
   */
  public record Jvm(
      String name, String java, List<String> options, Path jar, List<String> launch) {}
}
