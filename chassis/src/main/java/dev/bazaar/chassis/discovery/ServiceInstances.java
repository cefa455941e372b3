package dev.bazaar.chassis.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The instances of another service for service-to-service HTTP, round robin. Locally the launcher
 * writes every ready instance to its registry file ({@code BAZAAR_REGISTRY_FILE}, the same file the
 * gateway reads); it is re-read when it changed, at most once a second. Without a registry (a
 * cluster, where {@code fallback} is a Service's DNS name that balances itself), or while it lists
 * no ready instance, calls go to {@code fallback}.
 */
public final class ServiceInstances {

  private static final Logger LOG = Logger.getLogger(ServiceInstances.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long RECHECK_NANOS = 1_000_000_000L;

  private final String service;
  private final Optional<Path> registry;
  private final String fallback;
  private final AtomicInteger next = new AtomicInteger();
  private volatile List<String> urls = List.of();
  private volatile long checkedAt;
  private volatile FileTime seen;

  public ServiceInstances(String service, Optional<Path> registry, String fallback) {
    this.service = service;
    this.registry = registry;
    this.fallback = fallback.replaceAll("/+$", "");
  }

  /** The base URL of the instance to call next. */
  public String next() {
    refreshIfDue();
    List<String> now = urls;
    return now.isEmpty() ? fallback : now.get(Math.floorMod(next.getAndIncrement(), now.size()));
  }

  /** The ready instances the registry lists now (empty without one). */
  public List<String> all() {
    refreshIfDue();
    return urls;
  }

  private void refreshIfDue() {
    if (registry.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (checkedAt != 0 && now - checkedAt < RECHECK_NANOS) {
      return;
    }
    checkedAt = now;
    Path file = registry.get();
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      if (modified.equals(seen)) {
        return;
      }
      urls = parse(Files.readAllBytes(file), service);
      seen = modified;
    } catch (IOException | RuntimeException e) {
      LOG.debugf("registry %s unreadable (%s); calling %s", file, e.toString(), fallback);
      urls = List.of();
    }
  }

  static List<String> parse(byte[] json, String service) throws IOException {
    JsonNode instances = JSON.readTree(json).path("services").path(service);
    List<String> ready = new ArrayList<>();
    for (JsonNode i : instances) {
      if ("ready".equals(i.path("state").asText()) && i.hasNonNull("url")) {
        ready.add(i.get("url").asText().replaceAll("/+$", ""));
      }
    }
    return List.copyOf(ready);
  }
}
