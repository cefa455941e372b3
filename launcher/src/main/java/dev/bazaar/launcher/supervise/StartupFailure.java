package dev.bazaar.launcher.supervise;

import java.nio.file.Path;

/** A child exited or did not become ready while the system was starting. */
public final class StartupFailure extends Exception {
  private final transient ChildSpec spec;

  public StartupFailure(ChildSpec spec, String reason) {
    super(reason);
    this.spec = spec;
  }

  public ChildSpec spec() {
    return spec;
  }

  public Path logFile() {
    return spec.logFile();
  }
}
