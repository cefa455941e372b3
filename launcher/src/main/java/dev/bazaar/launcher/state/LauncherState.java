package dev.bazaar.launcher.state;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * The content of {@code <data>/launcher.json}: who supervises this data dir and what it started.
 *
 * @param startedAt ISO-8601 instant; kept as text so the file stays readable without extra Jackson
 *     modules
 */
@JsonPropertyOrder({"launcherPid", "dataDir", "startedAt", "instances"})
public record LauncherState(
    long launcherPid, String dataDir, String startedAt, List<InstanceState> instances) {

  public LauncherState {
    instances = instances == null ? List.of() : List.copyOf(instances);
  }

  public static LauncherState of(
      long launcherPid, String dataDir, Instant startedAt, List<InstanceState> instances) {
    return new LauncherState(launcherPid, dataDir, startedAt.toString(), instances);
  }

  public Instant startedAtInstant() {
    return Instant.parse(startedAt);
  }

  public LauncherState withInstances(List<InstanceState> newInstances) {
    return new LauncherState(launcherPid, dataDir, startedAt, newInstances);
  }
}
