package dev.bazaar.launcher.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.launcher.tracing.ZipkinServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/runtime-contract.md, "Tracing", against the code: every variable it lists reaches every
 * process the launcher starts, and the one the launcher sets for Zipkin is among them.
 */
class TracingContractTest {

  /** Each variable of the section, to whether its row says "gateway only". */
  static Map<String, Boolean> documented() throws IOException {
    Path doc = repoRoot().resolve("docs/runtime-contract.md");
    Map<String, Boolean> names = new java.util.LinkedHashMap<>();
    boolean inSection = false;
    Pattern first = Pattern.compile("^\\| `([A-Z0-9_]+)`");
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("## ")) {
        inSection = line.equals("## Tracing");
        continue;
      }
      Matcher m = first.matcher(line);
      if (inSection && m.find()) {
        names.put(m.group(1), line.contains("gateway only"));
      }
    }
    return names;
  }

  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs/runtime-contract.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("the repository root above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir;
  }

  @Test
  void everyDocumentedTracingVariableReachesEveryProcess() throws IOException {
    Map<String, Boolean> names = documented();
    assertThat(names.keySet())
        .contains("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_SAMPLER_ARG")
        .containsAll(ZipkinServer.exportEnv(9411).keySet());
    for (var e : names.entrySet()) {
      String name = e.getKey();
      List<String> processes =
          e.getValue() ? List.of("gateway") : List.of("users", "orders", "gateway", "zipkin");
      for (String process : processes) {
        assertThat(ChildEnvironment.of(process, Map.of(name, "v"), Map.of()))
            .as(name + " reaches " + process)
            .containsEntry(name, "v");
      }
    }
  }

  @Test
  void otherwiseTheAllowListStaysShut() {
    assertThat(ChildEnvironment.of("orders", Map.of("BAZAAR_TRACE", "x"), Map.of())).isEmpty();
  }
}
