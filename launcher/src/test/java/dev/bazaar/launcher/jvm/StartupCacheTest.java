package dev.bazaar.launcher.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupCacheTest {
  @TempDir Path dir;

  @Test
  void jdk25TrainsWithoutACacheAndMapsItOnceWritten() throws Exception {
    Path jar = Files.writeString(dir.resolve("app.jar"), "v1");
    StartupCache cache = new StartupCache(dir.resolve("aot"), 25, "25.0.3+9", true);

    assertThat(cache.options("users", jar))
        .contains("-XX:AOTMode=record")
        .anyMatch(o -> o.startsWith("-XX:AOTConfiguration=") && o.endsWith(".aotconf"))
        .noneMatch(o -> o.startsWith("-XX:AOTCache="));

    Files.createDirectories(dir.resolve("aot"));
    Files.writeString(cache.cacheFile("users", jar), "cache");
    assertThat(cache.options("users", jar))
        .contains("-XX:AOTCache=" + cache.cacheFile("users", jar))
        .doesNotContain("-XX:AOTMode=record");
  }

  @Test
  void aRebuiltJarOrAnotherJdkHasAnotherCache() throws Exception {
    Path jar = Files.writeString(dir.resolve("app.jar"), "v1");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
    StartupCache cache = new StartupCache(dir, 25, "25.0.3+9", true);
    Path before = cache.cacheFile("users", jar);

    Files.setLastModifiedTime(jar, FileTime.fromMillis(2_000_000));
    assertThat(cache.cacheFile("users", jar)).isNotEqualTo(before);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
    assertThat(cache.cacheFile("users", jar)).isEqualTo(before);
    Files.writeString(jar, "v2 is longer");
    Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
    assertThat(cache.cacheFile("users", jar)).isNotEqualTo(before);
    assertThat(new StartupCache(dir, 26, "26+1", true).cacheFile("users", jar))
        .isNotEqualTo(cache.cacheFile("users", jar));
  }

  @Test
  void olderJdksFallBackToTheDynamicClassDataArchive() throws Exception {
    Path jar = Files.writeString(dir.resolve("app.jar"), "v1");
    StartupCache cache = new StartupCache(dir, 21, "21.0.5", true);

    assertThat(cache.aot()).isFalse();
    assertThat(cache.options("users", jar))
        .contains(
            "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + dir.resolve("users.jsa"))
        .noneMatch(o -> o.startsWith("-XX:AOT"));
  }

  @Test
  void theCachesLiveWithTheBuildUnlessTheEnvironmentSaysElsewhere() {
    Path home = dir.resolve("repo");
    assertThat(StartupCache.directory(home, null)).isEqualTo(home.resolve("target/aot"));
    assertThat(StartupCache.directory(home, " ")).isEqualTo(home.resolve("target/aot"));
    assertThat(StartupCache.directory(home, dir.resolve("elsewhere").toString()))
        .isEqualTo(dir.resolve("elsewhere"));
  }

  @Test
  void trainingFilesNameTheLauncherSoTwoLaunchersOfOneBuildNeverShareOne() throws Exception {
    Path jar = Files.writeString(dir.resolve("app.jar"), "v1");
    StartupCache cache = new StartupCache(dir, 25, "25.0.3+9", true);
    assertThat(cache.configFile("users", jar).getFileName().toString())
        .endsWith("-" + ProcessHandle.current().pid() + ".aotconf");
  }

  @Test
  void offMeansNoCacheAtAll() throws Exception {
    Path jar = Files.writeString(dir.resolve("app.jar"), "v1");
    assertThat(new StartupCache(dir, 25, "25", false).options("users", jar)).isEmpty();
  }
}
