package dev.bazaar.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {
  @TempDir Path dir;

  @Test
  void returnsTheLastLinesOfABigFile() throws Exception {
    Path log = dir.resolve("users.log");
    List<String> lines = IntStream.range(0, 5000).mapToObj(i -> "line " + i).toList();
    Files.write(log, lines);

    assertThat(LogTail.lastLines(log, 3)).containsExactly("line 4997", "line 4998", "line 4999");
  }

  @Test
  void handlesShortFilesMissingFinalNewlineAndMissingFiles() throws Exception {
    Path log = dir.resolve("orders.log");
    Files.writeString(log, "a\nb");

    assertThat(LogTail.lastLines(log, 20)).containsExactly("a", "b");
    assertThat(LogTail.lastLines(dir.resolve("none.log"), 20)).isEmpty();
    Files.writeString(log, "");
    assertThat(LogTail.lastLines(log, 20)).isEmpty();
  }
}
