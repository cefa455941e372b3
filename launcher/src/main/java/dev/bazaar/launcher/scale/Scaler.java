package dev.bazaar.launcher.scale;

import dev.bazaar.launcher.ServiceSpec;
import dev.bazaar.launcher.supervise.ChildSpec;
import dev.bazaar.launcher.supervise.StartupFailure;
import dev.bazaar.launcher.supervise.Supervisor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Runs N instances of a service: {@code <service>-1} on the service's own port, further ones on
 * free ports the launcher picks. Scaling up waits until the new instances are ready; scaling down
 * retires the highest-numbered instances (registry first, then a drain pause, then SIGTERM). One
 * scale operation at a time.
 */
public final class Scaler {

  /** Builds the child for instance {@code number} of a service listening on {@code port}. */
  @FunctionalInterface
  public interface Instances {
    ChildSpec spec(ServiceSpec service, int number, int port);
  }

  private final Supervisor supervisor;
  private final Function<String, Optional<ServiceSpec>> services;
  private final Instances instances;
  private final Function<ServiceSpec, Integer> basePort;
  private final IntSupplier freePort;
  private final Duration drain;
  private final Duration grace;

  /**
   * @param services looks a service up by name
   * @param basePort the port of a service's first instance
   * @param freePort a port nothing listens on, for further instances
   * @param drain how long a retiring instance keeps serving after it left the registry
   * @param grace how long it may take to stop after SIGTERM
   */
  public Scaler(
      Supervisor supervisor,
      Function<String, Optional<ServiceSpec>> services,
      Instances instances,
      Function<ServiceSpec, Integer> basePort,
      IntSupplier freePort,
      Duration drain,
      Duration grace) {
    this.supervisor = supervisor;
    this.services = services;
    this.instances = instances;
    this.basePort = basePort;
    this.freePort = freePort;
    this.drain = drain;
    this.grace = grace;
  }

  /** The number in an instance name: 3 for {@code catalog-3}. */
  public static int number(String instance) {
    int dash = instance.lastIndexOf('-');
    try {
      return Integer.parseInt(instance.substring(dash + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return 0;
    }
  }

  /**
   * Brings the service to {@code request.count()} instances.
   *
   * @return one line saying what changed
   * @throws IllegalArgumentException for an unknown service or one that cannot scale
   * @throws StartupFailure when a new instance exited or was not ready in time (the new ones are
   *     stopped again)
   */
  public synchronized String scale(ScaleRequest request)
      throws IOException, StartupFailure, InterruptedException {
    ServiceSpec service =
        services
            .apply(request.service())
            .orElseThrow(
                () -> new IllegalArgumentException("unknown service '" + request.service() + "'"));
    if (service.edge()) {
      throw new IllegalArgumentException(
          service.name()
              + " cannot be scaled: it is the single entry point on the base port (run several"
              + " gateways behind an external load balancer instead)");
    }
    List<Supervisor.Child> running = running(service.name());
    int have = running.size();
    int want = request.count();
    if (want == have) {
      return service.name() + ": already " + have + " instance" + (have == 1 ? "" : "s");
    }
    if (want > have) {
      return scaleUp(service, running, want - have);
    }
    List<Supervisor.Child> retire = running.subList(want, have);
    List<String> names = new ArrayList<>();
    for (Supervisor.Child c : List.copyOf(retire).reversed()) {
      supervisor.retire(c, drain, grace);
      names.add(c.spec().instance());
    }
    return service.name()
        + ": "
        + want
        + " instance"
        + (want == 1 ? "" : "s")
        + " (stopped "
        + String.join(", ", names)
        + ")";
  }

  private String scaleUp(ServiceSpec service, List<Supervisor.Child> running, int more)
      throws IOException, StartupFailure, InterruptedException {
    Set<Integer> taken = new HashSet<>();
    running.forEach(c -> taken.add(number(c.spec().instance())));
    List<Supervisor.Child> launched = new ArrayList<>();
    List<String> started = new ArrayList<>();
    int number = 1;
    for (int i = 0; i < more; i++) {
      while (taken.contains(number)) {
        number++;
      }
      taken.add(number);
      int port = number == 1 ? basePort.apply(service) : freePort.getAsInt();
      Supervisor.Child child = supervisor.launch(instances.spec(service, number, port));
      launched.add(child);
      started.add(child.spec().instance() + " on port " + port);
    }
    try {
      supervisor.awaitReady(launched);
    } catch (StartupFailure | RuntimeException | InterruptedException e) {
      for (Supervisor.Child c : launched) {
        supervisor.retire(c, Duration.ZERO, grace);
      }
      throw e;
    }
    int total = running.size() + more;
    return service.name()
        + ": "
        + total
        + " instances (started "
        + String.join(", ", started)
        + ")";
  }

  /** The service's live (not retiring) instances, lowest number first. */
  private List<Supervisor.Child> running(String service) {
    return supervisor.children().stream()
        .filter(c -> c.spec().service().equals(service) && !c.retired())
        .sorted(Comparator.comparingInt(c -> number(c.spec().instance())))
        .toList();
  }
}
