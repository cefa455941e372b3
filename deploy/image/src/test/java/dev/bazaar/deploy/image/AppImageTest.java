package dev.bazaar.deploy.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppImageTest {
  @TempDir Path dir;

  private Path fastJar() throws Exception {
    Path app = dir.resolve("quarkus-app");
    for (String f :
        List.of(
            "quarkus-run.jar",
            "quarkus-app-dependencies.txt",
            "lib/boot/io.quarkus.quarkus-bootstrap-runner-3.33.2.jar",
            "lib/main/io.vertx.vertx-core-4.5.jar",
            "lib/main/dev.bazaar.bazaar-chassis-0.1.0-SNAPSHOT.jar",
            "quarkus/generated-bytecode.jar",
            "quarkus/quarkus-application.dat",
            "app/users-service-0.1.0-SNAPSHOT.jar")) {
      Path p = app.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    return app;
  }

  private static Map<String, List<String>> byLayer(List<FileEntriesLayer> layers) {
    return layers.stream()
        .collect(
            Collectors.toMap(
                FileEntriesLayer::getName,
                l ->
                    l.getEntries().stream()
                        .map(FileEntry::getExtractionPath)
                        .map(Object::toString)
                        .sorted()
                        .toList(),
                (a, b) -> a,
                java.util.LinkedHashMap::new));
  }

  @Test
  void theFastJarIsSplitFromTheLeastToTheMostOftenChanged() throws Exception {
    Map<String, List<String>> layers = byLayer(AppImage.layers(fastJar(), Optional.empty()));
    assertThat(layers.keySet())
        .containsExactly("boot-libraries", "libraries", "bazaar-modules", "quarkus", "application");
    assertThat(layers.get("libraries"))
        .containsExactly("/app/lib/main/io.vertx.vertx-core-4.5.jar");
    assertThat(layers.get("bazaar-modules"))
        .containsExactly("/app/lib/main/dev.bazaar.bazaar-chassis-0.1.0-SNAPSHOT.jar");
    assertThat(layers.get("quarkus"))
        .containsExactly(
            "/app/quarkus-app-dependencies.txt",
            "/app/quarkus-run.jar",
            "/app/quarkus/generated-bytecode.jar",
            "/app/quarkus/quarkus-application.dat");
    assertThat(layers.get("application"))
        .containsExactly("/app/app/users-service-0.1.0-SNAPSHOT.jar");
  }

  @Test
  void anAotCacheBecomesTheLastLayerAndIsSwitchedOnInTheEntrypoint() throws Exception {
    Path app = fastJar();
    Path aot = Files.writeString(app.resolve("app.aot"), "cache");
    Map<String, List<String>> layers = byLayer(AppImage.layers(app, Optional.of(aot)));
    assertThat(layers.keySet()).last().isEqualTo("aot-cache");
    assertThat(layers.get("aot-cache")).containsExactly("/app/app.aot");
    assertThat(layers.get("quarkus")).doesNotContain("/app/app.aot");
    assertThat(AppImage.entrypoint(List.of("-XX:+UseSerialGC"), true))
        .containsExactly(
            "/opt/java/bin/java",
            "-XX:+UseSerialGC",
            "-XX:AOTCache=/app/app.aot",
            "-jar",
            "/app/quarkus-run.jar");
    assertThat(AppImage.entrypoint(List.of(), false))
        .containsExactly("/opt/java/bin/java", "-jar", "/app/quarkus-run.jar");
  }

  @Test
  void onlyGlibcSharedObjectsOfTheLibc6PackageGoIntoTheBase() {
    List<Path> files =
        BaseImage.glibcFiles(
            List.of(
                "/lib/x86_64-linux-gnu/libc.so.6",
                "/lib64/ld-linux-x86-64.so.2",
                "/usr/lib/x86_64-linux-gnu/gconv/UTF-16.so",
                "/usr/share/doc/libc6/copyright",
                "/etc/ld.so.conf.d/x86_64-linux-gnu.conf"));
    assertThat(files)
        .extracting(Path::toString)
        .containsExactly("/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2");
    assertThatThrownBy(() -> BaseImage.glibcFiles(List.of("/usr/share/doc/libc6/copyright")))
        .hasMessageContaining("no libc.so");
  }

  @Test
  void optionsAreKeyValuePairs() {
    assertThat(ImageTool.options(new String[] {"--port=8081", "--jvm-options=-Xa -Xb"}))
        .containsEntry("port", "8081")
        .containsEntry("jvm-options", "-Xa -Xb");
    assertThat(ImageTool.split(" -Xa  -Xb ", " ")).containsExactly("-Xa", "-Xb");
    assertThatThrownBy(() -> ImageTool.options(new String[] {"port"}))
        .hasMessageContaining("expected --key=value");
  }
}
