package dev.bazaar.launcher.supervise;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to run one supervised child process.
 *
 * @param stage start order; stopping goes from the highest stage down, one stage at a time
 * @param logFile stdout and stderr are appended here
 */
public record ChildSpec(
    String service,
    String instance,
    int port,
    int stage,
    List<String> command,
    Map<String, String> env,
    Path logFile,
    ReadinessProbe probe) {

  public ChildSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
  }
}
