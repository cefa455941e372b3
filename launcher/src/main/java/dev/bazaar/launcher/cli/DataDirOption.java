package dev.bazaar.launcher.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir}, shared by every command. */
public final class DataDirOption {
  public static final String ENV = "BAZAAR_DATA_DIR";

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where state, logs, PostgreSQL and broker data live (default: $BAZAAR_DATA_DIR, else"
              + " .bazaar in the repository root).")
  Path dataDir;

  public Path resolve() {
    return resolve(dataDir, System.getenv(ENV), Home.root());
  }

  static Path resolve(Path option, String env, Path home) {
    Path chosen;
    if (option != null) {
      chosen = option;
    } else if (env != null && !env.isBlank()) {
      chosen = Path.of(env);
    } else {
      chosen = home.resolve(".bazaar");
    }
    return chosen.toAbsolutePath().normalize();
  }
}
