package dev.bazaar.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code ./bazaar} tells that the jars {@code up} runs are older than their sources: the script
 * itself ({@code ./bazaar stale-modules}) run on a copy of the repository's layout with file times
 * set by the test.
 */
class StaleBuildTest {
  private static final Path REPO = repositoryRoot();
  private static final Instant BUILT = Instant.parse("2026-01-01T12:00:00Z");
  private static final List<String> JARS =
      List.of(
          "launcher/target/bazaar-launcher.jar",
          "services/users/users-service/target/quarkus-app/quarkus-run.jar",
          "services/catalog/catalog-service/target/quarkus-app/quarkus-run.jar",
          "services/orders/orders-service/target/quarkus-app/quarkus-run.jar",
          "services/notifications/notifications-service/target/quarkus-app/quarkus-run.jar",
          "services/payments/payments-service/target/quarkus-app/quarkus-run.jar",
          "gateway/target/quarkus-app/quarkus-run.jar");
  private static final List<String> MODULES =
      List.of(
          "chassis",
          "services/users/users-service",
          "services/catalog/catalog-api",
          "services/catalog/catalog-service",
          "services/orders/orders-service",
          "services/notifications/notifications-service",
          "services/payments/payments-service",
          "gateway",
          "launcher",
          "tests/system");

  @TempDir Path root;

  @BeforeEach
  void copyOfTheLayout() throws IOException {
    Files.createDirectories(root.resolve(".mvn"));
    for (String script : List.of("bazaar", ".mvn/pick-jdk.sh")) {
      Files.copy(REPO.resolve(script), root.resolve(script), StandardCopyOption.COPY_ATTRIBUTES);
    }
    StringBuilder pom = new StringBuilder("<project>\n  <modules>\n");
    for (String m : MODULES) {
      pom.append("    <module>").append(m).append("</module>\n");
      write(m + "/pom.xml", BUILT.minusSeconds(3600));
      write(m + "/src/main/java/A.java", BUILT.minusSeconds(3600));
    }
    pom.append("  </modules>\n</project>\n");
    Files.writeString(root.resolve("pom.xml"), pom);
    Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(BUILT.minusSeconds(3600)));
    for (String jar : JARS) {
      write(jar, BUILT);
    }
  }

  @Test
  void jarsNewerThanEverySourceAreCurrent() throws Exception {
    assertThat(stale()).isEmpty();
  }

  @Test
  void aMissingJarMeansAFullBuild() throws Exception {
    Files.delete(root.resolve(JARS.get(3)));

    assertThat(stale()).containsExactly("*");
  }

  @Test
  void aSourceChangedAfterTheOldestJarNamesItsModule() throws Exception {
    // catalog's jar is the oldest; a chassis change after it but before the others still counts.
    write(JARS.get(2), BUILT.minusSeconds(600));
    write("chassis/src/main/resources/application.properties", BUILT.minusSeconds(300));
    write("services/catalog/catalog-api/pom.xml", BUILT.plusSeconds(60));

    assertThat(stale()).containsExactly("chassis", "services/catalog/catalog-api");
  }

  @Test
  void aServiceIsJudgedByItsOwnJarAndALibraryByTheOldestJar() throws Exception {
    // Rebuilt by hand after the edits: the launcher and catalog; the chassis too, but the services
    // still bundle the old one.
    write("launcher/src/main/java/B.java", BUILT.plusSeconds(10));
    write(JARS.get(0), BUILT.plusSeconds(20));
    write("services/catalog/catalog-service/src/main/java/B.java", BUILT.plusSeconds(10));
    write(JARS.get(2), BUILT.plusSeconds(20));
    write("chassis/src/main/java/B.java", BUILT.plusSeconds(10));
    write("chassis/target/bazaar-chassis.jar", BUILT.plusSeconds(20));

    assertThat(stale()).containsExactly("chassis");
  }

  @Test
  void theRootPomMeansEverything() throws Exception {
    Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(BUILT.plusSeconds(1)));

    assertThat(stale()).containsExactly(".");
  }

  @Test
  void testsAndTheSystemTestModuleDoNotMakeTheBuildStale() throws Exception {
    write("gateway/src/test/java/GatewayTest.java", BUILT.plusSeconds(60));
    write("tests/system/src/main/java/Helper.java", BUILT.plusSeconds(60));

    assertThat(stale()).isEmpty();
  }

  @Test
  void aBuildThatLeftAJarUntouchedStillCountsThroughItsStamp() throws Exception {
    write("gateway/src/main/resources/application.properties", BUILT.plusSeconds(60));
    assertThat(stale()).containsExactly("gateway");

    write("launcher/target/bazaar-build.stamp", BUILT.plusSeconds(120));

    assertThat(stale()).isEmpty();
  }

  private void write(String relative, Instant time) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.writeString(file, relative);
    }
    Files.setLastModifiedTime(file, FileTime.from(time));
  }

  private List<String> stale() throws Exception {
    Process p =
        new ProcessBuilder("bash", root.resolve("bazaar").toString(), "stale-modules")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().filter(l -> !l.isBlank()).toList();
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
