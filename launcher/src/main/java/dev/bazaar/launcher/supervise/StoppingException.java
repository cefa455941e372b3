package dev.bazaar.launcher.supervise;

/** Thrown to the start-up path when a stop (Ctrl-C, SIGTERM) began while it was still starting. */
public final class StoppingException extends RuntimeException {
  public StoppingException() {
    super("Bazaar is stopping");
  }
}
