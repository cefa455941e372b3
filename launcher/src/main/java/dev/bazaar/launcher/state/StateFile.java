package dev.bazaar.launcher.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@code <data>/launcher.json}. Every write goes to a temp file in the same directory that is then
 * renamed over the old one, so a reader (status, down, a second launcher) never sees half a file.
 */
public final class StateFile {
  public static final String NAME = "launcher.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path path;

  public StateFile(Path dataDir) {
    this.path = dataDir.resolve(NAME);
  }

  public Path path() {
    return path;
  }

  /** The recorded state; empty when there is no file or it cannot be parsed. */
  public Optional<LauncherState> read() {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(path.toFile(), LauncherState.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public synchronized void write(LauncherState state) {
    Path tmp = path.resolveSibling(NAME + ".tmp");
    try {
      Files.createDirectories(path.getParent());
      Files.write(tmp, JSON.writeValueAsBytes(state));
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  public synchronized void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  public static String toJson(Object value) {
    try {
      return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
