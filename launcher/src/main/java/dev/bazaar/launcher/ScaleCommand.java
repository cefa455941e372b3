package dev.bazaar.launcher;

import dev.bazaar.launcher.cli.DataDirOption;
import dev.bazaar.launcher.scale.ControlServer;
import dev.bazaar.launcher.scale.ScaleRequest;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.StateFile;
import dev.bazaar.launcher.supervise.ProcessTable;
import dev.bazaar.launcher.supervise.StaleState;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description =
        "Start or stop instances of services of the running Bazaar, e.g. scale catalog=3; waits"
            + " until new instances are ready. Exit 0 done, 1 failed, 3 not running.")
final class ScaleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DataDirOption dataDir;

  @Parameters(
      arity = "1..*",
      paramLabel = "SERVICE=N",
      description = "Service and the number of instances it should run (1 to 8).")
  List<String> targets;

  @Override
  public Integer call() throws InterruptedException {
    List<ScaleRequest> requests = new ArrayList<>();
    for (String target : targets) {
      try {
        requests.add(ScaleRequest.parse(target));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    Path data = dataDir.resolve();
    Optional<LauncherState> state = new StateFile(data).read();
    Optional<ControlServer.Endpoint> control = ControlServer.read(data);
    if (state.isEmpty()
        || control.isEmpty()
        || !new StaleState(ProcessTable.os()).launcherAlive(state.get())) {
      System.err.println("Bazaar is not running");
      return StatusCommand.NOT_RUNNING;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + control.get().port() + "/scale"))
            .header(ControlServer.TOKEN_HEADER, control.get().token())
            .timeout(Duration.ofMinutes(10))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    String.join("\n", requests.stream().map(ScaleRequest::toString).toList())))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      System.err.println("Bazaar is not running (its control port does not answer: " + e + ")");
      return StatusCommand.NOT_RUNNING;
    }
    (response.statusCode() == 200 ? System.out : System.err).print(response.body());
    return response.statusCode() == 200 ? 0 : 1;
  }
}
