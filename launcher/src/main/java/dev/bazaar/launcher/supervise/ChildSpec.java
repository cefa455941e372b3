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

  /**
   * The same child with {@code options} right after the java executable (the command's first word).
   */
  public ChildSpec withJvmOptions(List<String> options) {
    List<String> withOptions = new java.util.ArrayList<>();
    withOptions.add(command.get(0));
    withOptions.addAll(options);
    withOptions.addAll(command.subList(1, command.size()));
    return new ChildSpec(service, instance, port, stage, withOptions, env, logFile, probe);
  }
}
