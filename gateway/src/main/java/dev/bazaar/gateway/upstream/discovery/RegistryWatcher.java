package dev.bazaar.gateway.upstream.discovery;

import dev.bazaar.gateway.upstream.UpstreamEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Watches the registry file by reading it every {@code interval} (250 ms by default) on the
 * discovery thread, never on an event loop. Polling is deliberate: the launcher replaces the file
 * by an atomic rename, which inotify-based watching reports as a directory event that is easy to
 * miss, and a 100-byte read four times a second costs nothing. Listeners hear about every change of
 * content; a missing file means no instances, an unreadable one keeps the last good content.
 */
public final class RegistryWatcher implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RegistryWatcher.class);

  private final Path file;
  private final List<Consumer<Map<String, List<UpstreamEndpoint>>>> listeners =
      new CopyOnWriteArrayList<>();
  private volatile Map<String, List<UpstreamEndpoint>> current = Map.of();
  private String lastContent;
  private boolean lastBroken;
  private ScheduledFuture<?> task;

  public RegistryWatcher(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Reads the file once now, then every {@code interval} on {@code executor}. */
  public synchronized void start(ScheduledExecutorService executor, Duration interval) {
    poll();
    task =
        executor.scheduleWithFixedDelay(
            this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Receives the ready endpoints per service now and after every change. */
  public void listen(Consumer<Map<String, List<UpstreamEndpoint>>> listener) {
    listeners.add(listener);
    listener.accept(current);
  }

  public Map<String, List<UpstreamEndpoint>> current() {
    return current;
  }

  /** Reads the file and notifies the listeners when its content changed. */
  public synchronized void poll() {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      content = "";
    } catch (IOException e) {
      LOG.warnf("cannot read registry file %s: %s", file, e.toString());
      return;
    }
    if (Objects.equals(content, lastContent)) {
      return;
    }
    Map<String, List<UpstreamEndpoint>> next;
    if (content.isBlank()) {
      next = Map.of();
    } else {
      try {
        next = RegistryFile.readyEndpoints(content);
      } catch (IllegalArgumentException e) {
        if (!lastBroken) {
          LOG.warnf("ignoring registry file %s: %s", file, e.getMessage());
        }
        lastBroken = true;
        return;
      }
    }
    lastBroken = false;
    lastContent = content;
    current = next;
    LOG.debugf("registry file %s: %s", file, next);
    for (var listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        LOG.errorf(e, "registry listener failed");
      }
    }
  }

  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
