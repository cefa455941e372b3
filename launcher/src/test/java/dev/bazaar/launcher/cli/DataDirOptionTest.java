package dev.bazaar.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DataDirOptionTest {
  static final Path HOME = Path.of("/repo");

  @Test
  void optionWinsOverEnvironmentWhichWinsOverTheDefault() {
    assertThat(DataDirOption.resolve(Path.of("/x"), "/y", HOME)).isEqualTo(Path.of("/x"));
    assertThat(DataDirOption.resolve(null, "/y", HOME)).isEqualTo(Path.of("/y"));
    assertThat(DataDirOption.resolve(null, null, HOME)).isEqualTo(Path.of("/repo/.bazaar"));
    assertThat(DataDirOption.resolve(null, " ", HOME)).isEqualTo(Path.of("/repo/.bazaar"));
  }

  @Test
  void relativePathsBecomeAbsolute() {
    assertThat(DataDirOption.resolve(Path.of("d/../data"), null, HOME))
        .isEqualTo(Path.of("").toAbsolutePath().resolve("data"));
  }
}
