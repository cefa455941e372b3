package dev.bazaar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Opens every image tarball that {@code ./mvnw package -Pimages} built (this test runs in that
 * profile, after the services) and checks it as a registry and a container runtime would see it.
 */
@EnabledIfSystemProperty(named = "bazaar.images", matches = "true")
class ImageTarballTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A file in the image's file system after all layers are applied. */
  record FileInImage(String path, int mode, long uid, long size, int layer) {}

  @ParameterizedTest
  @CsvSource({
    "users, services/users/users-service, 8081",
    "catalog, services/catalog/catalog-service, 8082",
    "orders, services/orders/orders-service, 8083",
    "notifications, services/notifications/notifications-service, 8084",
    "payments, services/payments/payments-service, 8085",
    "gateway, gateway, 8080"
  })
  void theImageIsComplete(String name, String module, int port) throws Exception {
    Path moduleDir = Repo.root().resolve(module);
    Path tarball = moduleDir.resolve("target/" + name + "-image.tar");
    assertThat(tarball).as("built by -Pimages").isRegularFile();
    Map<String, byte[]> blobs = readTar(Files.newInputStream(tarball));

    // OCI layout: index -> manifest -> config + layers, every blob matching its digest
    assertThat(new String(blobs.get("oci-layout"), StandardCharsets.UTF_8))
        .contains("imageLayoutVersion");
    JsonNode index = JSON.readTree(blobs.get("index.json"));
    JsonNode ref = index.at("/manifests/0");
    String version = System.getProperty("bazaar.version");
    String registry = System.getProperty("bazaar.image.registry");
    assertThat(ref.at("/annotations/org.opencontainers.image.ref.name").asText())
        .isEqualTo(registry + "/" + name + ":" + version);
    JsonNode manifest = JSON.readTree(blob(blobs, ref.path("digest").asText()));
    assertThat(manifest.path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    JsonNode config = JSON.readTree(blob(blobs, manifest.at("/config/digest").asText()));
    JsonNode c = config.path("config");

    // non-root, the entrypoint runs the fast-jar with the configured JVM options
    assertThat(c.path("User").asText()).isEqualTo("65532:65532");
    assertThat(c.path("WorkingDir").asText()).isEqualTo("/app");
    assertThat(c.path("ExposedPorts").has(port + "/tcp")).isTrue();
    List<String> entrypoint = new ArrayList<>();
    c.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    List<String> expected = new ArrayList<>();
    expected.add("/opt/java/bin/java");
    expected.addAll(List.of(System.getProperty("bazaar.image.jvm-options").trim().split("\\s+")));
    boolean aot = Files.isRegularFile(moduleDir.resolve("target/quarkus-app/app.aot"));
    if (aot) {
      expected.add("-XX:AOTCache=/app/app.aot");
    }
    expected.addAll(List.of("-jar", "/app/quarkus-run.jar"));
    assertThat(entrypoint).isEqualTo(expected);

    // provenance
    JsonNode labels = c.path("Labels");
    assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo(name);
    assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo(version);
    assertThat(labels.path("org.opencontainers.image.revision").asText())
        .startsWith(git("rev-parse", "HEAD"));
    assertThat(labels.path("org.opencontainers.image.source").asText()).isNotBlank();
    assertThat(labels.path("dev.bazaar.jre.version").asText()).startsWith("25");

    // layers: base (glibc, users, JRE) then the app, least changed first
    List<String> comments = new ArrayList<>();
    config.path("history").forEach(h -> comments.add(h.path("comment").asText()));
    List<String> wanted =
        new ArrayList<>(List.of("glibc", "users", "jre", "boot-libraries", "libraries"));
    try (Stream<Path> main = Files.list(moduleDir.resolve("target/quarkus-app/lib/main"))) {
      // the gateway uses no other module of this repository: no such layer then
      if (main.anyMatch(f -> f.getFileName().toString().startsWith("dev.bazaar."))) {
        wanted.add("bazaar-modules");
      }
    }
    wanted.addAll(List.of("quarkus", "application"));
    if (aot) {
      wanted.add("aot-cache");
    }
    assertThat(comments).isEqualTo(wanted);
    assertThat(manifest.path("layers").size()).isEqualTo(wanted.size());
    assertThat(config.at("/rootfs/diff_ids").size()).isEqualTo(wanted.size());

    Map<String, FileInImage> files = new HashMap<>();
    int i = 0;
    for (JsonNode layer : manifest.path("layers")) {
      int layerIndex = i++;
      byte[] gz = blob(blobs, layer.path("digest").asText());
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(gz)))) {
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
          String path =
              "/"
                  + e.getName()
                      .replaceFirst("^\\./", "")
                      .replaceFirst("^/", "")
                      .replaceFirst("/$", "");
          files.put(
              path, new FileInImage(path, e.getMode(), e.getLongUserId(), e.getSize(), layerIndex));
        }
      }
    }
    for (String required :
        List.of(
            "/opt/java/bin/java",
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib64/ld-linux-x86-64.so.2",
            "/etc/passwd",
            "/app/quarkus-run.jar",
            "/app/quarkus/quarkus-application.dat")) {
      assertThat(files).as(name).containsKey(required);
    }
    assertThat(files.get("/opt/java/bin/java").mode() & 0111).as("java is executable").isNotZero();
    // the app's files are exactly the fast-jar the build produced
    Set<String> built = new TreeSet<>();
    Path app = moduleDir.resolve("target/quarkus-app");
    try (Stream<Path> walk = Files.walk(app)) {
      walk.filter(Files::isRegularFile)
          .forEach(f -> built.add("/app/" + app.relativize(f).toString().replace('\\', '/')));
    }
    built.remove("/app/app.aot");
    Set<String> inImage = new TreeSet<>();
    files.values().stream()
        .filter(
            f -> f.path().startsWith("/app/") && f.size() > 0 || f.path().equals("/app/app.aot"))
        .forEach(f -> inImage.add(f.path()));
    inImage.remove("/app/app.aot");
    assertThat(inImage).isEqualTo(built);
    // nothing the user 65532 could change, except its home and /tmp
    for (FileInImage f : files.values()) {
      if (f.path().equals("/home/nonroot") || f.path().equals("/tmp")) {
        continue;
      }
      assertThat(f.uid()).as(f.path() + " owner").isZero();
      assertThat(f.mode() & 0022).as(f.path() + " writable by group/others").isZero();
    }
  }

  static byte[] blob(Map<String, byte[]> blobs, String digest) throws Exception {
    String hex = digest.substring("sha256:".length());
    byte[] bytes = blobs.get("blobs/sha256/" + hex);
    assertThat(bytes).as(digest).isNotNull();
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
        .isEqualTo(hex);
    return bytes;
  }

  static Map<String, byte[]> readTar(InputStream in) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.isFile()) {
          entries.put(e.getName(), tar.readAllBytes());
        }
      }
    }
    return entries;
  }

  static String git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", Repo.root().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
