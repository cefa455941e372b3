package dev.bazaar.deploy.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A service's image: the base, then its Quarkus fast-jar ({@code target/quarkus-app}) in layers
 * ordered from the least to the most often changed, the way Quarkus' own Jib integration splits
 * them, so a code change rebuilds and pushes only the last few megabytes.
 */
final class AppImage {
  static final String APP = "/app";
  static final String AOT_CACHE = APP + "/app.aot";

  /** Prefix of the jars Quarkus copies from this repository's own modules into lib/main. */
  static final String OWN_MODULES = "lib/main/dev.bazaar.";

  record Spec(
      Path base,
      Path appDir,
      Path out,
      String name,
      String title,
      int port,
      List<String> jvmOptions,
      Optional<Path> aotCache,
      Map<String, String> labels,
      Path work) {}

  private AppImage() {}

  static void build(Spec spec) throws Exception {
    if (!Files.isRegularFile(spec.appDir().resolve("quarkus-run.jar"))) {
      throw new IllegalStateException(
          spec.appDir() + "/quarkus-run.jar is missing: build the fast-jar first (package)");
    }
    if (!Files.isRegularFile(spec.base())) {
      throw new IllegalStateException(
          "base image " + spec.base() + " is missing: build deploy/image with -Pimages first");
    }
    Optional<Path> aot = spec.aotCache().filter(Files::isRegularFile);
    Files.createDirectories(spec.work());
    Jib.from(TarImage.at(spec.base()))
        .setFormat(ImageFormat.OCI)
        .setFileEntriesLayers(layers(spec.appDir(), aot))
        .setEntrypoint(entrypoint(spec.jvmOptions(), aot.isPresent()))
        .setUser(BaseImage.USER)
        .setWorkingDirectory(AbsoluteUnixPath.get(APP))
        .setExposedPorts(Port.tcp(spec.port()))
        .setLabels(spec.labels())
        .containerize(
            Containerizer.to(TarImage.at(spec.out()).named(spec.name()))
                .setOfflineMode(true)
                .setToolName("bazaar-image")
                .setBaseImageLayersCache(spec.work().resolve("cache/base"))
                .setApplicationLayersCache(spec.work().resolve("cache/app")));
  }

  /**
   * {@code java <jvm options> [-XX:AOTCache=/app/app.aot] -jar /app/quarkus-run.jar}: an exec-form
   * entrypoint (the base has no shell). Options for one deployment go in {@code JAVA_TOOL_OPTIONS}.
   */
  static List<String> entrypoint(List<String> jvmOptions, boolean aotCache) {
    List<String> command = new ArrayList<>();
    command.add(BaseImage.JAVA_HOME + "/bin/java");
    command.addAll(jvmOptions);
    if (aotCache) {
      command.add("-XX:AOTCache=" + AOT_CACHE);
    }
    command.add("-jar");
    command.add(APP + "/quarkus-run.jar");
    return command;
  }

  /**
   * Third-party libraries (boot, then main), this repository's modules, Quarkus' generated code and
   * runner, the application's own classes, and the AOT cache when there is one.
   */
  static List<FileEntriesLayer> layers(Path appDir, Optional<Path> aotCache) throws IOException {
    AbsoluteUnixPath app = AbsoluteUnixPath.get(APP);
    List<FileEntriesLayer> layers = new ArrayList<>();
    layers.add(Layers.files("boot-libraries", appDir, app, p -> p.startsWith("lib/boot/")));
    layers.add(
        Layers.files(
            "libraries",
            appDir,
            app,
            p -> p.startsWith("lib/") && !p.startsWith("lib/boot/") && !p.startsWith(OWN_MODULES)));
    layers.add(Layers.files("bazaar-modules", appDir, app, p -> p.startsWith(OWN_MODULES)));
    layers.add(
        Layers.files(
            "quarkus",
            appDir,
            app,
            p -> p.startsWith("quarkus/") || (!p.contains("/") && !p.equals("app.aot"))));
    layers.add(Layers.files("application", appDir, app, p -> p.startsWith("app/")));
    if (aotCache.isPresent()) {
      layers.add(
          FileEntriesLayer.builder()
              .setName("aot-cache")
              .addEntry(
                  new FileEntry(
                      aotCache.get(),
                      AbsoluteUnixPath.get(AOT_CACHE),
                      Layers.permissions(aotCache.get()),
                      FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
                      "0:0"))
              .build());
    }
    return layers.stream().filter(l -> !l.getEntries().isEmpty()).toList();
  }

  /**
   * OCI annotations every image carries (https://specs.opencontainers.org/image-spec/annotations/).
   */
  static Map<String, String> labels(String title, String version, Provenance provenance) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.title", title);
    labels.put("org.opencontainers.image.version", version);
    labels.put("org.opencontainers.image.revision", provenance.revision());
    labels.put("org.opencontainers.image.source", provenance.source());
    labels.put("org.opencontainers.image.vendor", "Bazaar");
    return labels;
  }
}
