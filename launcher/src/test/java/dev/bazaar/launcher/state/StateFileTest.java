package dev.bazaar.launcher.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {
  @TempDir Path dir;

  static LauncherState sample() {
    return LauncherState.of(
        4242,
        "/data",
        Instant.parse("2025-01-02T03:04:05Z"),
        List.of(
            new InstanceState("users", "users-1", 100, 8081, Phase.READY, 0),
            new InstanceState("orders", "orders-1", 101, 8083, Phase.RESTARTING, 2)));
  }

  @Test
  void roundTripsEveryField() {
    StateFile file = new StateFile(dir);
    file.write(sample());

    assertThat(file.read()).contains(sample());
    assertThat(file.read().orElseThrow().startedAtInstant())
        .isEqualTo(Instant.parse("2025-01-02T03:04:05Z"));
  }

  @Test
  void writesLowerCaseStatesAndTheDocumentedKeys() throws Exception {
    StateFile file = new StateFile(dir);
    file.write(sample());

    String json = Files.readString(dir.resolve("launcher.json"));
    assertThat(json)
        .contains("\"launcherPid\"", "\"dataDir\"", "\"startedAt\"", "\"instances\"")
        .contains("\"state\" : \"ready\"", "\"state\" : \"restarting\"");
  }

  @Test
  void replacesTheFileWholeAndLeavesNoTempFile() throws Exception {
    StateFile file = new StateFile(dir);
    file.write(sample());
    LauncherState smaller = sample().withInstances(List.of());
    file.write(smaller);

    assertThat(file.read()).contains(smaller);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("launcher.json");
    }
  }

  @Test
  void aMissingOrCorruptFileReadsAsNoState() throws Exception {
    StateFile file = new StateFile(dir);
    assertThat(file.read()).isEmpty();

    Files.writeString(dir.resolve("launcher.json"), "{\"launcherPid\": 1, \"instances\": [");
    assertThat(file.read()).isEmpty();
  }

  @Test
  void deleteRemovesTheFile() {
    StateFile file = new StateFile(dir);
    file.write(sample());
    file.delete();
    file.delete();

    assertThat(file.read()).isEmpty();
  }
}
