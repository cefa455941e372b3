package dev.bazaar.deploy.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The base every Bazaar image starts from, built without a registry: a JRE linked by {@code jlink}
 * from the build's JDK 25, on the glibc of the build machine's Debian {@code libc6} package, with a
 * distroless-style non-root user (65532) and nothing else: no shell, no package manager.
 *
 * <p>Why not a published base image: the build must work where no registry is reachable, and the
 * JRE must be the very JVM an AOT cache is trained with. See docs/adr (container images).
 */
final class BaseImage {
  static final String JAVA_HOME = "/opt/java";
  static final String USER = "65532:65532";
  static final String HOME = "/home/nonroot";

  record Spec(Path out, String name, List<String> modules, Path jdk, Path work) {}

  private BaseImage() {}

  /**
   * Builds the base unless {@code out} exists and was made from the same inputs (recorded next to
   * it in {@code <out>.inputs}). Services built in one Maven run share it; the lock keeps two
   * parallel module builds from making it twice.
   */
  static synchronized void ensure(Spec spec) throws Exception {
    Files.createDirectories(spec.out().toAbsolutePath().getParent());
    Path stamp = spec.out().resolveSibling(spec.out().getFileName() + ".inputs");
    try (FileChannel lock =
            FileChannel.open(
                spec.out().resolveSibling(spec.out().getFileName() + ".lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock ignored = lock.lock()) {
      String inputs = inputs(spec);
      if (Files.isRegularFile(spec.out())
          && Files.isRegularFile(stamp)
          && Files.readString(stamp).equals(inputs)) {
        return;
      }
      build(spec);
      Files.writeString(stamp, inputs);
    }
  }

  /** What the base is made of: the JDK build, the modules, glibc's package version, the name. */
  static String inputs(Spec spec) throws Exception {
    return "jdk="
        + unquote(release(spec.jdk()).getProperty("JAVA_RUNTIME_VERSION", ""))
        + "\nmodules="
        + String.join(",", spec.modules())
        + "\nlibc6="
        + run(List.of("dpkg-query", "-W", "-f=${Version}", "libc6")).trim()
        + "\nname="
        + spec.name()
        + "\n";
  }

  static void build(Spec spec) throws Exception {
    Properties release = release(spec.jdk());
    String javaVersion = unquote(release.getProperty("JAVA_VERSION", ""));
    if (!javaVersion.startsWith("25")) {
      throw new IllegalStateException(
          "the base image's JRE is linked from JDK 25, but "
              + spec.jdk()
              + " is "
              + javaVersion
              + ": set -Dbazaar.image.jdk to a JDK 25");
    }
    Path jre = spec.work().resolve("jre");
    deleteRecursively(jre);
    Files.createDirectories(spec.work());
    run(
        List.of(
            spec.jdk().resolve("bin/jlink").toString(),
            "--add-modules",
            String.join(",", spec.modules()),
            "--strip-debug",
            "--no-man-pages",
            "--no-header-files",
            "--compress=zip-6",
            "--output",
            jre.toString()));

    String libcVersion = run(List.of("dpkg-query", "-W", "-f=${Version}", "libc6")).trim();
    List<Path> glibc = glibcFiles(run(List.of("dpkg", "-L", "libc6")).lines().toList());

    Path etc = spec.work().resolve("etc");
    Files.createDirectories(etc);
    Files.writeString(
        etc.resolve("passwd"),
        "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:"
            + HOME
            + ":/sbin/nologin\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\nnonroot:x:65532:\n");
    // The JVM resolves host names through glibc's NSS: files, then DNS (cluster DNS, compose).
    Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\n");
    Path empty = Files.createDirectories(spec.work().resolve("empty"));

    FileEntriesLayer.Builder os = FileEntriesLayer.builder().setName("glibc");
    for (Path lib : glibc) {
      os.addEntry(
          new FileEntry(
              lib.toRealPath(),
              AbsoluteUnixPath.get(lib.toString()),
              FilePermissions.fromOctalString("755"),
              FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
              "0:0"));
    }
    FileEntriesLayer.Builder files = FileEntriesLayer.builder().setName("users");
    for (String name : List.of("passwd", "group", "nsswitch.conf")) {
      files.addEntry(
          new FileEntry(
              etc.resolve(name),
              AbsoluteUnixPath.get("/etc/" + name),
              FilePermissions.fromOctalString("644"),
              FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
              "0:0"));
    }
    files.addEntry(
        new FileEntry(
            empty,
            AbsoluteUnixPath.get("/tmp"),
            // Jib cannot set the sticky bit; one user runs in the image, and Kubernetes mounts an
            // emptyDir over /tmp anyway (read-only root file system).
            FilePermissions.fromOctalString("777"),
            FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
            "0:0"));
    files.addEntry(
        new FileEntry(
            empty,
            AbsoluteUnixPath.get(HOME),
            FilePermissions.fromOctalString("700"),
            FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
            USER));

    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", "bazaar-jre");
    labels.put(
        "org.opencontainers.image.description",
        "jlinked JRE " + javaVersion + " on Debian libc6 " + libcVersion + ", non-root");
    labels.put("dev.bazaar.jre.version", unquote(release.getProperty("JAVA_RUNTIME_VERSION", "")));
    labels.put("dev.bazaar.jre.implementor", unquote(release.getProperty("IMPLEMENTOR", "")));
    labels.put("dev.bazaar.jre.modules", String.join(",", spec.modules()));
    labels.put("dev.bazaar.libc6.version", libcVersion);

    Jib.fromScratch()
        // Docker archive format (manifest.json): the form Jib reads back as a tar:// base image.
        .setFormat(ImageFormat.Docker)
        .setFileEntriesLayers(
            os.build(), files.build(), Layers.tree("jre", jre, AbsoluteUnixPath.get(JAVA_HOME)))
        .setEnvironment(
            Map.of(
                "JAVA_HOME",
                JAVA_HOME,
                "PATH",
                JAVA_HOME + "/bin:/usr/bin:/bin",
                "LANG",
                "C.UTF-8"))
        .setUser(USER)
        .setWorkingDirectory(AbsoluteUnixPath.get(HOME))
        .setEntrypoint(JAVA_HOME + "/bin/java", "-version")
        .setLabels(labels)
        .containerize(
            Containerizer.to(TarImage.at(spec.out()).named(spec.name()))
                .setOfflineMode(true)
                .setToolName("bazaar-image")
                .setBaseImageLayersCache(spec.work().resolve("cache/base"))
                .setApplicationLayersCache(spec.work().resolve("cache/app")));
  }

  /**
   * The shared objects of glibc among the files of the {@code libc6} package: the dynamic loader
   * and the libraries the JVM links (libc, libm, libdl, libpthread, librt) plus NSS's files and dns
   * modules. Charset converters (gconv) and locales are left out; Java brings its own.
   */
  static List<Path> glibcFiles(List<String> dpkgList) {
    List<Path> out = new ArrayList<>();
    for (String line : dpkgList) {
      if (line.contains("/gconv/") || !line.matches("/(usr/)?lib(64)?/.*\\.so(\\.[0-9]+)*")) {
        continue;
      }
      Path path = Path.of(line);
      if (Files.isRegularFile(path)) {
        out.add(path);
      }
    }
    if (out.stream().noneMatch(p -> p.getFileName().toString().startsWith("libc.so"))) {
      throw new IllegalStateException("dpkg -L libc6 lists no libc.so: is this a Debian host?");
    }
    return out;
  }

  private static Properties release(Path jdk) throws IOException {
    Properties properties = new Properties();
    try (var in = Files.newInputStream(jdk.resolve("release"))) {
      properties.load(in);
    }
    return properties;
  }

  private static String unquote(String value) {
    return value.replace("\"", "");
  }

  static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
