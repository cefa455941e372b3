package dev.bazaar.launcher.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bazaar.launcher.state.InstanceState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

/**
 * {@code <data>/registry.json}: where the instances of each service listen and whether they are
 * ready, for the gateway's registry discovery:
 *
 * <pre>
 * {"services": {"catalog": [{"instance": "catalog-1", "url": "http://127.0.0.1:8082",
 *                            "pid": 4711, "state": "ready"}, ...], ...}}
 * </pre>
 *
 * Rewritten atomically (temp file + rename) whenever an instance changes state, and only when the
 * content changed, so a reader never sees half a file and the gateway's poll stays cheap.
 */
public final class Registry {
  public static final String NAME = "registry.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path path;
  private final Set<String> services;
  private byte[] last;

  /**
   * @param services the services to list (the gateway's upstreams); others are left out
   */
  public Registry(Path dataDir, Collection<String> services) {
    this.path = dataDir.resolve(NAME);
    this.services = Set.copyOf(services);
  }

  public Path path() {
    return path;
  }

  /** Writes the instances of the listed services; every listed service appears, maybe empty. */
  public synchronized void write(Collection<InstanceState> instances) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode byService = root.putObject("services");
    services.stream().sorted().forEach(byService::putArray);
    instances.stream()
        .filter(i -> services.contains(i.service()))
        .sorted(
            java.util.Comparator.comparing(InstanceState::service)
                .thenComparing(i -> Scaler.number(i.instance())))
        .forEach(
            i -> {
              ArrayNode list = (ArrayNode) byService.get(i.service());
              list.addObject()
                  .put("instance", i.instance())
                  .put("url", "http://127.0.0.1:" + i.port())
                  .put("pid", i.pid())
                  .put("state", i.state().label());
            });
    try {
      byte[] bytes = JSON.writeValueAsBytes(root);
      if (Arrays.equals(bytes, last)) {
        return;
      }
      Files.createDirectories(path.getParent());
      Path tmp = path.resolveSibling(NAME + ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
      last = bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  public synchronized void delete() {
    try {
      Files.deleteIfExists(path);
      last = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
