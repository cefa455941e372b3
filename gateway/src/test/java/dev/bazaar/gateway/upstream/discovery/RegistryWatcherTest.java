package dev.bazaar.gateway.upstream.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryWatcherTest {

  @TempDir Path dir;
  final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  static String registry(int... ports) {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < ports.length; i++) {
      entries
          .append(i == 0 ? "" : ",")
          .append("{\"instance\":\"catalog-")
          .append(i + 1)
          .append("\",\"url\":\"http://127.0.0.1:")
          .append(ports[i])
          .append("\",\"state\":\"ready\"}");
    }
    return "{\"services\":{\"catalog\":[" + entries + "]}}";
  }

  /** Writes the way the launcher does: a temp file renamed over the old one. */
  void replace(Path file, String content) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static List<Integer> ports(Map<String, List<UpstreamEndpoint>> registry) {
    return registry.getOrDefault("catalog", List.of()).stream()
        .map(UpstreamEndpoint::port)
        .toList();
  }

  @Test
  void picksUpEveryChangeWithinOneSecond() throws Exception {
    Path file = dir.resolve("registry.json");
    replace(file, registry(8082));
    RegistryWatcher watcher = new RegistryWatcher(file);
    List<Map<String, List<UpstreamEndpoint>>> seen = new CopyOnWriteArrayList<>();
    watcher.start(executor, Duration.ofMillis(250));
    watcher.listen(seen::add);
    assertThat(ports(seen.getLast())).containsExactly(8082);

    for (int[] next : new int[][] {{8082, 9001, 9002}, {9002}, {}}) {
      replace(file, registry(next));
      long start = System.nanoTime();
      while (!ports(seen.getLast()).equals(java.util.Arrays.stream(next).boxed().toList())) {
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("change to %s noticed", java.util.Arrays.toString(next))
            .isLessThan(Duration.ofSeconds(1));
        Thread.sleep(20);
      }
    }
    watcher.close();
  }

  @Test
  void aBrokenFileKeepsTheLastGoodContentAndAMissingOneMeansNoInstances() throws Exception {
    Path file = dir.resolve("registry.json");
    replace(file, registry(8082));
    RegistryWatcher watcher = new RegistryWatcher(file);
    watcher.poll();
    replace(file, "{\"services\": ");
    watcher.poll();
    assertThat(ports(watcher.current())).containsExactly(8082);
    Files.delete(file);
    watcher.poll();
    assertThat(watcher.current()).isEmpty();
  }
}
