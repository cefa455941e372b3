package dev.bazaar.launcher.supervise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Looks up live processes; an interface so stale-state logic is testable without processes. */
public interface ProcessTable {

  /** A live process as seen by the OS. */
  record ProcessView(long pid, Optional<Instant> startedAt, String commandLine) {}

  /** The process with this pid if it is alive. */
  Optional<ProcessView> find(long pid);

  /** Asks the process to stop (SIGTERM, or SIGINT where {@code interrupt}). */
  void terminate(long pid, boolean interrupt);

  /** SIGKILL. */
  void kill(long pid);

  /** Waits until the process is gone; true if it is. */
  boolean awaitExit(long pid, Duration timeout);

  static ProcessTable os() {
    return OsProcessTable.INSTANCE;
  }

  /** The real one, on top of {@link ProcessHandle} and {@code /proc}. */
  final class OsProcessTable implements ProcessTable {
    static final OsProcessTable INSTANCE = new OsProcessTable();

    private OsProcessTable() {}

    @Override
    public Optional<ProcessView> find(long pid) {
      if (pid <= 0) {
        return Optional.empty();
      }
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .map(h -> new ProcessView(pid, h.info().startInstant(), commandLine(h)));
    }

    private static String commandLine(ProcessHandle h) {
      Path proc = Path.of("/proc", Long.toString(h.pid()), "cmdline");
      try {
        byte[] raw = Files.readAllBytes(proc);
        return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
      } catch (IOException | RuntimeException e) {
        return h.info().commandLine().orElse("");
      }
    }

    @Override
    public void terminate(long pid, boolean interrupt) {
      if (interrupt) {
        try {
          Process p = new ProcessBuilder("kill", "-INT", Long.toString(pid)).start();
          if (p.waitFor() == 0) {
            return;
          }
        } catch (IOException e) {
          // no kill(1) on this machine: fall back to SIGTERM below
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }

    @Override
    public void kill(long pid) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public boolean awaitExit(long pid, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (find(pid).isPresent()) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return find(pid).isEmpty();
        }
      }
      return true;
    }
  }
}
