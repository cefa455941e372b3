package dev.bazaar.launcher.supervise;

import dev.bazaar.launcher.infra.ChildEnvironment;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.Phase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Starts child processes, waits for them to become ready, restarts the ones that die (with {@link
 * Backoff}) and stops them in reverse stage order. Every change is reported to {@code onChange}
 * (the launcher writes the state file there).
 */
public final class Supervisor {
  /** Readiness polling: a probe is a loopback HTTP GET, cheap enough to ask 20 times a second. */
  private static final Duration POLL = Duration.ofMillis(50);

  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final Object lock = new Object();
  private final List<Child> children = new ArrayList<>();
  private final ScheduledExecutorService restarts = Executors.newScheduledThreadPool(1, daemon());
  private final ExecutorService watchers = Executors.newCachedThreadPool(daemon());
  private final Duration readyTimeout;
  private final Supplier<Backoff> backoffs;
  private final Clock clock;
  private final Runnable onChange;
  private final Consumer<String> events;
  private final boolean ownSession;
  private boolean stopping;
  private volatile boolean reportReady;

  /** With {@code up --verbose}: one event per child when it becomes ready, with its start time. */
  public void reportReadiness(boolean on) {
    reportReady = on;
  }

  /**
   * @param ownSession start children in their own session (setsid) so that a Ctrl-C in the terminal
   *     reaches only the launcher, which then stops them in order
   */
  public Supervisor(
      Duration readyTimeout,
      Supplier<Backoff> backoffs,
      Clock clock,
      Runnable onChange,
      Consumer<String> events,
      boolean ownSession) {
    this.readyTimeout = readyTimeout;
    this.backoffs = backoffs;
    this.clock = clock;
    this.onChange = onChange;
    this.events = events;
    this.ownSession = ownSession && Files.isExecutable(SETSID);
  }

  /** One supervised instance; its fields change only under the supervisor's lock. */
  public static final class Child {
    private final ChildSpec spec;
    private final Backoff backoff;
    private volatile Process process;
    private volatile Phase phase = Phase.STARTING;
    private volatile int restarts;
    private Instant launchedAt;
    private Instant readyAt;
    private boolean supervised;
    private boolean exitHandled;
    private volatile boolean retired;

    Child(ChildSpec spec, Backoff backoff) {
      this.spec = spec;
      this.backoff = backoff;
    }

    public ChildSpec spec() {
      return spec;
    }

    public long pid() {
      Process p = process;
      return p == null ? 0 : p.pid();
    }

    public Phase phase() {
      return phase;
    }

    public int restarts() {
      return restarts;
    }

    /** Stopped for good by {@link Supervisor#retire}; never restarted. */
    public boolean retired() {
      return retired;
    }

    InstanceState toState() {
      return new InstanceState(
          spec.service(), spec.instance(), pid(), spec.port(), phase, restarts);
    }
  }

  public List<InstanceState> snapshot() {
    synchronized (lock) {
      return children.stream().map(Child::toState).toList();
    }
  }

  public List<Child> children() {
    synchronized (lock) {
      return List.copyOf(children);
    }
  }

  /** Starts a child; it is supervised (restarted when it dies) once it has been ready. */
  public Child launch(ChildSpec spec) throws IOException {
    Child child;
    synchronized (lock) {
      if (stopping) {
        throw new StoppingException();
      }
      child = new Child(spec, backoffs.get());
      startProcess(child);
      children.add(child);
    }
    onChange.run();
    return child;
  }

  /**
   * Waits until every child in the batch answers its readiness probe.
   *
   * @throws StartupFailure naming the first child that exited or was not ready in time
   */
  public void awaitReady(List<Child> batch) throws StartupFailure, InterruptedException {
    List<Child> waiting = new ArrayList<>(batch);
    while (!waiting.isEmpty()) {
      for (var it = waiting.iterator(); it.hasNext(); ) {
        Child c = it.next();
        if (isStopping()) {
          throw new StoppingException();
        }
        Process p = c.process;
        if (!p.isAlive()) {
          fail(c);
          throw new StartupFailure(
              c.spec, c.spec.service() + " exited with code " + p.exitValue() + " during start-up");
        }
        if (c.spec.probe().ready(p.pid())) {
          markReady(c, p);
          it.remove();
          if (reportReady) {
            events.accept(
                String.format(
                    java.util.Locale.ROOT,
                    "  %s ready %.1f s after its launch (pid %d)",
                    c.spec.instance(),
                    Duration.between(c.launchedAt, clock.instant()).toMillis() / 1000.0,
                    p.pid()));
          }
        } else if (Duration.between(c.launchedAt, clock.instant()).compareTo(readyTimeout) > 0) {
          fail(c);
          throw new StartupFailure(
              c.spec, c.spec.service() + " not ready after " + readyTimeout.toSeconds() + " s");
        }
      }
      if (!waiting.isEmpty()) {
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  /**
   * Stops every child, highest stage first; children of one stage stop in parallel. SIGTERM, then
   * SIGKILL after {@code grace}. No child is restarted after this call.
   *
   * @param stopped receives "instance (pid N)" for each process that was running
   */
  public void stopAll(Duration grace, Consumer<String> stopped) {
    List<Child> all;
    synchronized (lock) {
      stopping = true;
      all = List.copyOf(children);
    }
    restarts.shutdownNow();
    watchers.shutdownNow();
    Map<Integer, List<Child>> byStage = new TreeMap<>(Comparator.reverseOrder());
    for (Child c : all) {
      byStage.computeIfAbsent(c.spec.stage(), k -> new ArrayList<>()).add(c);
    }
    for (List<Child> stage : byStage.values()) {
      List<Child> running = stage.stream().filter(c -> c.process.isAlive()).toList();
      running.forEach(c -> c.process.destroy());
      for (Child c : stage) {
        if (running.contains(c)) {
          stopProcess(c.process, grace);
          stopped.accept(c.spec.instance() + " (pid " + c.process.pid() + ")");
        }
        c.phase = Phase.STOPPED;
        onChange.run();
      }
    }
  }

  /**
   * Stops one child for good (scaling down). It is marked stopped first, so the registry file drops
   * it and the gateway stops sending it requests; after {@code drain} it gets SIGTERM, and SIGKILL
   * after {@code grace}. Then it is no longer supervised or listed.
   */
  public void retire(Child c, Duration drain, Duration grace) throws InterruptedException {
    Process p;
    synchronized (lock) {
      c.retired = true;
      c.phase = Phase.STOPPED;
      p = c.process;
    }
    onChange.run();
    if (p != null && p.isAlive() && !drain.isZero()) {
      Thread.sleep(drain.toMillis());
    }
    if (p != null && p.isAlive()) {
      p.destroy();
      stopProcess(p, grace);
    }
    synchronized (lock) {
      children.remove(c);
    }
    onChange.run();
  }

  public boolean isStopping() {
    synchronized (lock) {
      return stopping;
    }
  }

  private static void stopProcess(Process p, Duration grace) {
    try {
      p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      p.destroyForcibly();
      try {
        p.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // SIGKILL was sent; nothing more can be done
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      p.destroyForcibly();
    }
  }

  private void fail(Child c) {
    synchronized (lock) {
      c.phase = Phase.FAILED;
    }
    onChange.run();
  }

  private void markReady(Child c, Process p) {
    boolean exitedMeanwhile;
    synchronized (lock) {
      if (p != c.process || stopping || c.retired) {
        return;
      }
      c.phase = Phase.READY;
      c.readyAt = clock.instant();
      c.supervised = true;
      exitedMeanwhile = !p.isAlive();
    }
    onChange.run();
    if (exitedMeanwhile) {
      onExit(c, p);
    }
  }

  private void startProcess(Child c) throws IOException {
    ChildSpec spec = c.spec;
    List<String> command = new ArrayList<>();
    if (ownSession) {
      command.add(SETSID.toString());
    }
    command.addAll(spec.command());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    ChildEnvironment.apply(pb.environment(), spec.service(), spec.env());
    Files.createDirectories(spec.logFile().getParent());
    Files.writeString(
        spec.logFile(),
        "---- " + clock.instant() + " bazaar: starting " + spec.instance() + " ----\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Process p = pb.start();
    c.process = p;
    c.exitHandled = false;
    c.phase = Phase.STARTING;
    c.launchedAt = clock.instant();
    c.readyAt = null;
    p.onExit().thenAccept(exited -> onExit(c, exited));
  }

  private void onExit(Child c, Process p) {
    Duration delay;
    synchronized (lock) {
      if (stopping || c.retired || !c.supervised || p != c.process || c.exitHandled) {
        return;
      }
      c.exitHandled = true;
      Duration healthy =
          c.readyAt == null ? Duration.ZERO : Duration.between(c.readyAt, clock.instant());
      delay = c.backoff.next(healthy);
      c.phase = Phase.RESTARTING;
      restarts.schedule(() -> restart(c), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
    onChange.run();
    events.accept(
        c.spec.instance()
            + " exited with code "
            + p.exitValue()
            + "; restarting in "
            + delay.toSeconds()
            + " s");
  }

  private void restart(Child c) {
    Process p;
    synchronized (lock) {
      if (stopping || c.retired) {
        return;
      }
      c.restarts++;
      try {
        startProcess(c);
      } catch (IOException e) {
        events.accept("cannot restart " + c.spec.instance() + ": " + e.getMessage());
        Duration delay = c.backoff.next(Duration.ZERO);
        restarts.schedule(() -> restart(c), delay.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
      p = c.process;
    }
    onChange.run();
    watchers.execute(() -> watchRestart(c, p));
  }

  /** After a restart: mark ready when the probe answers, or kill it if it never does. */
  private void watchRestart(Child c, Process p) {
    Instant deadline = clock.instant().plus(readyTimeout);
    try {
      while (p.isAlive() && p == c.process && !c.retired && !isStopping()) {
        if (c.spec.probe().ready(p.pid())) {
          markReady(c, p);
          events.accept(c.spec.instance() + " is ready again (pid " + p.pid() + ")");
          return;
        }
        if (clock.instant().isAfter(deadline)) {
          events.accept(
              c.spec.instance()
                  + " not ready after "
                  + readyTimeout.toSeconds()
                  + " s; restarting it");
          p.destroy();
          stopProcess(p, Duration.ofSeconds(20));
          return;
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "bazaar-supervisor");
      t.setDaemon(true);
      return t;
    };
  }
}
