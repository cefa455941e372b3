package dev.bazaar.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK choice of {@code ./mvnw} and {@code ./bazaar} ({@code .mvn/pick-jdk.sh}), run as a script
 * against fake JDK homes: each has a {@code release} file (or a {@code java} that prints a version)
 * and executable {@code bin/java} and {@code bin/javac}.
 */
class PickJdkTest {
  private static final Path SCRIPT = repositoryRoot().resolve(".mvn/pick-jdk.sh");

  @TempDir Path dir;
  private Path roots;
  private Path emptyBin;

  @BeforeEach
  void setUp() throws IOException {
    roots = Files.createDirectories(dir.resolve("jvm"));
    emptyBin = Files.createDirectories(dir.resolve("bin"));
  }

  @Test
  void javaHomeOfAtLeast21Wins() throws Exception {
    Path jdk21 = jdk(dir.resolve("own-21"), "21.0.2");
    jdk(roots.resolve("temurin-25"), "25.0.1");

    Result r = pick(Map.of("JAVA_HOME", jdk21.toString()), emptyBin);

    assertThat(r.exit).isZero();
    assertThat(r.out.trim()).isEqualTo(jdk21.toString());
  }

  @Test
  void anOldJavaHomeAndAnOldPathJavaAreSkippedForTheNewestInstalled() throws Exception {
    Path jdk17 = jdk(dir.resolve("own-17"), "17.0.15");
    Path pathJdk = jdk(dir.resolve("path-17"), "17.0.2");
    jdk(roots.resolve("jdk-22"), "22.0.1");
    Path jdk25 = jdk(roots.resolve("temurin-25"), "25");
    jdk(roots.resolve("jdk-8"), "1.8.0_292");

    Result r = pick(Map.of("JAVA_HOME", jdk17.toString()), pathJdk.resolve("bin"));

    assertThat(r.exit).isZero();
    assertThat(r.out.trim()).isEqualTo(jdk25.toString());
  }

  @Test
  void theJavaOnPathIsUsedWhenNew() throws Exception {
    Path pathJdk = jdk(dir.resolve("path-21"), "21");
    jdk(roots.resolve("temurin-25"), "25");

    Result r = pick(Map.of(), pathJdk.resolve("bin"));

    assertThat(r.out.trim()).isEqualTo(pathJdk.toString());
  }

  @Test
  void macOsBundlesAreFoundInContentsHome() throws Exception {
    Path home = jdk(roots.resolve("temurin-21.jdk/Contents/Home"), "21.0.5");

    Result r = pick(Map.of(), emptyBin);

    assertThat(r.out.trim()).isEqualTo(home.toString());
  }

  @Test
  void aJdkWithoutReleaseFileIsAskedForItsVersion() throws Exception {
    Path home = roots.resolve("custom");
    executable(
        home.resolve("bin/java"), "#!/bin/sh\necho 'openjdk version \"23.0.1\" 2024-10-15' >&2\n");
    executable(home.resolve("bin/javac"), "#!/bin/sh\n");

    Result r = pick(Map.of(), emptyBin);

    assertThat(r.out.trim()).isEqualTo(home.toString());
  }

  @Test
  void aJreWithoutJavacIsNotAJdk() throws Exception {
    Path jre = roots.resolve("jre-25");
    Files.createDirectories(jre.resolve("bin"));
    Files.writeString(jre.resolve("release"), "JAVA_VERSION=\"25\"\n");
    executable(jre.resolve("bin/java"), "#!/bin/sh\n");

    Result r = pick(Map.of(), emptyBin);

    assertThat(r.exit).isEqualTo(1);
  }

  @Test
  void noJdkOf21FailsInOneLineSayingWhatToInstall() throws Exception {
    Path jdk17 = jdk(roots.resolve("java-17"), "17.0.15");
    // A second name for the same JDK (Debian's java-1.17.0-openjdk-amd64) is reported once.
    Files.createSymbolicLink(roots.resolve("java-1.17"), jdk17);

    Result r = pick(Map.of(), emptyBin);

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.out).isEmpty();
    assertThat(r.err.lines()).hasSize(1);
    assertThat(r.err)
        .startsWith("error: Bazaar needs a JDK >= 21 (found: java 17 at ")
        .contains("install one")
        .contains("openjdk-21-jdk");
    assertThat(r.err.split("java 17 at ", -1)).hasSize(2);
  }

  private static Path jdk(Path home, String version) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    executable(home.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
    executable(home.resolve("bin/javac"), "#!/bin/sh\nexit 0\n");
    return home;
  }

  private static void executable(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Result(int exit, String out, String err) {}

  /** Runs the script with only {@code env}, {@code pathDir} (for java) and the system's tools. */
  private Result pick(Map<String, String> env, Path pathDir) throws Exception {
    // The system tools the script uses, without the machine's own java (wrappers, not symlinks, so
    // that the temporary directory holds no links to delete).
    Path tools = Files.createDirectories(dir.resolve("tools"));
    for (String tool : new String[] {"sed", "head", "dirname", "readlink"}) {
      Path wrapper = tools.resolve(tool);
      if (!Files.exists(wrapper)) {
        executable(wrapper, "#!/bin/sh\nexec " + which(tool) + " \"$@\"\n");
      }
    }
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", SCRIPT.toString());
    Map<String, String> environment = pb.environment();
    environment.clear();
    environment.putAll(new HashMap<>(env));
    environment.put("PATH", pathDir + ":" + tools);
    environment.put("BAZAAR_JDK_ROOTS", roots.toString());
    environment.put("HOME", dir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out, err);
  }

  private static Path which(String tool) {
    for (String d : new String[] {"/usr/bin", "/bin"}) {
      Path p = Path.of(d, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no " + tool + " in /usr/bin or /bin");
  }

  private static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve(".mvn/pick-jdk.sh"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no .mvn/pick-jdk.sh above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
