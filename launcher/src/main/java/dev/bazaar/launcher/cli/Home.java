package dev.bazaar.launcher.cli;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository (and so the service jars) is, and the launcher's own classpath. */
public final class Home {
  private Home() {}

  /**
   * The repository root: {@code -Dbazaar.home} (the {@code bazaar} script sets it), else derived
   * from {@code launcher/target/bazaar-launcher.jar}, else the working directory.
   */
  public static Path root() {
    String prop = System.getProperty("bazaar.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path code = codeLocation();
    if (code != null && code.getParent() != null) {
      // launcher/target/bazaar-launcher.jar or launcher/target/classes -> repository root
      Path candidate = code.getParent().getParent();
      if (candidate != null
          && candidate.getParent() != null
          && Files.exists(candidate.getParent().resolve("bazaar"))) {
        return candidate.getParent();
      }
    }
    return Path.of("").toAbsolutePath();
  }

  /**
   * A classpath that runs the launcher's own classes in a child JVM: the launcher jar (its manifest
   * names lib/*), or the current JVM's classpath when running from classes (tests, IDE).
   */
  public static String launcherClasspath() {
    Path code = codeLocation();
    if (code != null && Files.isRegularFile(code)) {
      return code.toString();
    }
    StringBuilder cp = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        if (!cp.isEmpty()) {
          cp.append(File.pathSeparator);
        }
        cp.append(Path.of(entry).toAbsolutePath());
      }
    }
    return cp.toString();
  }

  /** The java executable this JVM runs on, so children use the same JDK. */
  public static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static Path codeLocation() {
    try {
      var source = Home.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
