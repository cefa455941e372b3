package dev.bazaar.launcher;

import dev.bazaar.launcher.broker.BrokerLogins;
import dev.bazaar.launcher.broker.BrokerMain;
import dev.bazaar.launcher.broker.RabbitUsers;
import dev.bazaar.launcher.cli.Home;
import dev.bazaar.launcher.cli.LogTail;
import dev.bazaar.launcher.cli.PortCheck;
import dev.bazaar.launcher.cli.PortCheck.NamedPort;
import dev.bazaar.launcher.cli.Progress;
import dev.bazaar.launcher.cli.Table;
import dev.bazaar.launcher.infra.AdminPassword;
import dev.bazaar.launcher.infra.Databases;
import dev.bazaar.launcher.infra.EmbeddedPostgresServer;
import dev.bazaar.launcher.infra.KeyEncryptionKey;
import dev.bazaar.launcher.infra.PgUrls;
import dev.bazaar.launcher.infra.Secrets;
import dev.bazaar.launcher.jvm.StartupCache;
import dev.bazaar.launcher.preflight.ExternalInfra;
import dev.bazaar.launcher.scale.ControlServer;
import dev.bazaar.launcher.scale.Registry;
import dev.bazaar.launcher.scale.Scaler;
import dev.bazaar.launcher.state.InstanceState;
import dev.bazaar.launcher.state.LauncherState;
import dev.bazaar.launcher.state.Phase;
import dev.bazaar.launcher.state.StateFile;
import dev.bazaar.launcher.supervise.Backoff;
import dev.bazaar.launcher.supervise.ChildSpec;
import dev.bazaar.launcher.supervise.PostgresWatch;
import dev.bazaar.launcher.supervise.ProcessTable;
import dev.bazaar.launcher.supervise.ReadinessProbe;
import dev.bazaar.launcher.supervise.StaleState;
import dev.bazaar.launcher.supervise.StartupFailure;
import dev.bazaar.launcher.supervise.StoppingException;
import dev.bazaar.launcher.supervise.Supervisor;
import dev.bazaar.launcher.tls.GatewayTls;
import dev.bazaar.launcher.tracing.ZipkinServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/** {@code bazaar up}: starts the whole system, supervises it, and stops it in order. */
final class SystemRunner {
  static final Duration STOP_GRACE = Duration.ofSeconds(20);
  static final String ENV_PG_URL = "BAZAAR_PG_URL";
  static final String ENV_AMQP_URL = "BAZAAR_AMQP_URL";

  /**
   * Every service JVM: serial GC (one small heap, no GC threads), a heap that is given back when it
   * is not needed (idle RSS), half-size thread stacks and a code cache sized for one service.
   */
  static final List<String> SERVICE_JVM =
      List.of(
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=30",
          "-Xss512k",
          "-XX:ReservedCodeCacheSize=64m");

  /** The embedded broker's JVM. */
  static final List<String> BROKER_HEAP =
      List.of(
          "-Xmx256m",
          "-XX:+UseSerialGC",
          "-XX:MinHeapFreeRatio=10",
          "-XX:MaxHeapFreeRatio=30",
          "-Xss512k");

  /** How long the check of an external PostgreSQL or broker may wait for an answer. */
  static final Duration EXTERNAL_CHECK_TIMEOUT = Duration.ofSeconds(5);

  /** How long a retiring instance keeps serving after it left the registry (gateway polls 4/s). */
  static final Duration SCALE_DOWN_DRAIN = Duration.ofSeconds(1);

  /** The console's link to Zipkin ({@code bazaar.gateway.web.trace-ui-url}), with tracing on. */
  static final String TRACE_UI_ENV = "BAZAAR_GATEWAY_WEB_TRACE_UI_URL";

  /** The service that owns the administrator account and gets {@code BAZAAR_ADMIN_PASSWORD}. */
  static final String ADMIN_ACCOUNT_SERVICE = "users";

  /** What {@code up} was asked to do. */
  record Options(
      Path home,
      Path dataDir,
      int basePort,
      int brokerPort,
      int pgPort,
      Duration readyTimeout,
      String externalPgUrl,
      String externalAmqpUrl,
      GatewayTls tls,
      boolean verbose,
      int zipkinPort) {

    /** Whether {@code --tracing} runs Zipkin and has every process export to it. */
    boolean tracing() {
      return zipkinPort != TRACING_OFF;
    }
  }

  /** {@link Options#zipkinPort} without {@code --tracing}. */
  static final int TRACING_OFF = 0;

  private final Options options;
  private final PrintStream out;
  private final PrintStream err;
  private final Clock clock = Clock.systemUTC();
  private final Progress progress;
  private final StateFile stateFile;
  private final Path logs;
  private final Supervisor supervisor;
  private final Registry registry;
  private ControlServer control;
  private final long launcherPid = ProcessHandle.current().pid();
  private EmbeddedPostgresServer postgres;
  private InstanceState postgresState;
  private FileChannel lockChannel;
  private FileLock lock;
  private boolean stopped;
  private volatile AdminPassword.Resolved adminPassword;
  private boolean stateOpen;

  /** Per-build AOT caches (JDK 25+) or class-data archives of the JVMs started here. */
  private final StartupCache startupCache;

  /** The JVMs started as instance 1, for {@link StartupCache#assemble} after they stopped. */
  private final List<StartupCache.Jvm> jvms = new java.util.concurrent.CopyOnWriteArrayList<>();

  SystemRunner(Options options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.progress = new Progress(out, clock);
    this.stateFile = new StateFile(options.dataDir());
    this.logs = options.dataDir().resolve("logs");
    this.startupCache =
        StartupCache.forThisJvm(
            StartupCache.aotSupported()
                ? StartupCache.directory(options.home(), System.getenv(StartupCache.ENV_DIR))
                : options.dataDir().resolve("cds"));
    this.supervisor =
        new Supervisor(
            options.readyTimeout(),
            Backoff::standard,
            clock,
            this::writeState,
            progress::line,
            true);
    supervisor.reportReadiness(options.verbose());
    this.registry =
        new Registry(
            options.dataDir(),
            Services.ALL.stream().filter(s -> !s.edge()).map(ServiceSpec::name).toList());
  }

  /** Runs until stopped by a signal; returns an exit code only when start-up failed. */
  int up() throws InterruptedException {
    Path data = options.dataDir();
    try {
      Files.createDirectories(logs);
      Files.createDirectories(options.dataDir().resolve("cds"));
    } catch (IOException e) {
      err.println("error: cannot create " + logs + ": " + e.getMessage());
      return 1;
    }
    if (StartupCache.aotSupported()) {
      Path aot = StartupCache.directory(options.home(), System.getenv(StartupCache.ENV_DIR));
      try {
        Files.createDirectories(aot);
      } catch (IOException e) {
        // Only slower: the JVMs start without a cache and cannot write one.
        err.println("warning: no AOT caches, cannot create " + aot + ": " + e.getMessage());
      }
    }
    if (!takeOverDataDir()) {
      return 1;
    }
    Optional<String> missing = missingJar();
    if (missing.isPresent()) {
      err.println("error: " + missing.get());
      return 1;
    }
    Optional<NamedPort> busy = PortCheck.firstBusy(ports());
    if (busy.isPresent()) {
      err.println(
          "error: port " + busy.get().port() + " (" + busy.get().owner() + ") is already in use");
      releaseLock();
      return 1;
    }
    if (!externalInfraAccepts()) {
      releaseLock();
      return 1;
    }
    stateOpen = true;
    writeState();
    installStopHandlers();
    try {
      // The broker starts in parallel with PostgreSQL and the services: they connect to it in the
      // background and are ready only once it is, so nothing waits for it on its own.
      Secrets secrets = new Secrets(data, new SecureRandom());
      KeyEncryptionKey.ensure(data, new SecureRandom());
      BrokerLogins broker = launchBroker(secrets);
      launchZipkin();
      String adminUrl = startDatabase(secrets);
      AdminPassword.Resolved admin =
          AdminPassword.resolve(data, System.getenv(AdminPassword.ENV), new SecureRandom());
      // A generated password is shown now, once, so it is seen even if start-up fails later.
      if (admin.source() == AdminPassword.Source.GENERATED) {
        admin.announce(out);
      }
      useAdminPassword(admin);
      List<String> databases =
          Services.ALL.stream()
              .filter(ServiceSpec::database)
              .map(ServiceSpec::databaseName)
              .toList();
      Progress.Step step = progress.step("creating databases " + String.join(", ", databases));
      Databases.ensure(adminUrl, databases, secrets);
      step.done("databases ready");
      UnaryOperator<String> jdbcUrl = db -> PgUrls.forDatabase(adminUrl, db);
      Wiring wiring =
          new Wiring(data, options.basePort(), broker::urlFor, jdbcUrl, secrets::password);
      startServices(wiring);
      startControl(wiring);
      printSummary(wiring);
    } catch (StartupFailure f) {
      err.println("error: " + f.getMessage());
      printLogTail(f.logFile());
      stop();
      return 1;
    } catch (StoppingException e) {
      new CountDownLatch(1).await();
    } catch (StartupAbort e) {
      stop();
      return 1;
    } catch (Exception e) {
      if (supervisor.isStopping()) {
        new CountDownLatch(1).await();
      }
      err.println("error: " + describe(e));
      stop();
      return 1;
    }
    new CountDownLatch(1).await();
    return 0;
  }

  /** Fails when another launcher owns the data dir; cleans up after one that was killed. */
  private boolean takeOverDataDir() {
    Path data = options.dataDir();
    StaleState stale = new StaleState(ProcessTable.os());
    Optional<LauncherState> previous = stateFile.read();
    try {
      lockChannel =
          FileChannel.open(
              data.resolve("launcher.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = lockChannel.tryLock();
    } catch (IOException e) {
      lock = null;
    }
    if (lock == null || (previous.isPresent() && stale.launcherAlive(previous.get()))) {
      String pid = previous.map(s -> " (launcher pid " + s.launcherPid() + ")").orElse("");
      err.println(
          "error: Bazaar is already running for "
              + data
              + pid
              + "; stop it with ./bazaar down --data-dir "
              + data);
      releaseLock();
      return false;
    }
    boolean leftoverPg =
        options.externalPgUrl() == null
            && StaleState.postmasterPid(data.resolve("postgres")).isPresent();
    if (previous.isPresent() || leftoverPg) {
      String who =
          previous.map(s -> "launcher pid " + s.launcherPid()).orElse("an earlier launcher");
      Progress.Step step = progress.step("cleaning up after " + who + ", which did not stop");
      List<String> cleaned = stale.cleanUp(previous, data);
      cleaned.forEach(line -> progress.line("  stopped " + line));
      stateFile.delete();
      step.done("cleaned up " + cleaned.size() + " leftover process(es)");
    }
    return true;
  }

  /** An external PostgreSQL or broker that refuses us stops {@code up} now, in one line. */
  private boolean externalInfraAccepts() {
    if (options.externalPgUrl() == null && options.externalAmqpUrl() == null) {
      return true;
    }
    Optional<String> refused =
        ExternalInfra.check(
            ENV_PG_URL,
            options.externalPgUrl(),
            ENV_AMQP_URL,
            options.externalAmqpUrl(),
            EXTERNAL_CHECK_TIMEOUT);
    refused.ifPresent(reason -> err.println("error: " + reason));
    return refused.isEmpty();
  }

  private Optional<String> missingJar() {
    for (ServiceSpec s : Services.ALL) {
      Path jar = options.home().resolve(s.jar());
      if (!Files.isRegularFile(jar)) {
        return Optional.of(
            s.name() + " is not built: " + jar + " is missing (./bazaar up --rebuild builds it)");
      }
    }
    return options.tracing() ? ZipkinServer.missing(options.home()) : Optional.empty();
  }

  private List<NamedPort> ports() {
    List<NamedPort> ports = new ArrayList<>();
    if (options.externalPgUrl() == null) {
      ports.add(new NamedPort(options.pgPort(), "postgres"));
    }
    if (options.externalAmqpUrl() == null) {
      ports.add(new NamedPort(options.brokerPort(), "broker"));
    }
    for (ServiceSpec s : Services.ALL) {
      ports.add(new NamedPort(options.basePort() + s.portOffset(), s.name()));
    }
    if (options.tracing()) {
      ports.add(new NamedPort(options.zipkinPort(), "zipkin"));
    }
    return ports;
  }

  /** Starts the embedded PostgreSQL unless an external one is configured; returns the admin URL. */
  private String startDatabase(Secrets secrets) throws IOException {
    if (options.externalPgUrl() != null) {
      progress.line("using external PostgreSQL from $" + ENV_PG_URL);
      return options.externalPgUrl();
    }
    Path pgData = options.dataDir().resolve("postgres");
    boolean first = !Files.exists(pgData.resolve("PG_VERSION"));
    Progress.Step step =
        progress.step(
            "starting PostgreSQL 17 on 127.0.0.1:"
                + options.pgPort()
                + (first ? " (first start: initdb)" : ""));
    EmbeddedPostgresServer pg;
    try {
      pg =
          EmbeddedPostgresServer.start(
              pgData,
              options.pgPort(),
              logs.resolve("postgres.log"),
              secrets.password(Secrets.POSTGRES_SUPERUSER));
    } catch (IOException | RuntimeException e) {
      err.println("error: PostgreSQL did not start: " + describe(e));
      printLogTail(logs.resolve("postgres.log"));
      throw new StartupAbort();
    }
    synchronized (this) {
      postgres = pg;
      if (stopped) {
        closePostgres();
        throw new StoppingException();
      }
      postgresState =
          new InstanceState("postgres", "postgres-1", pg.pid(), pg.port(), Phase.READY, 0);
    }
    writeState();
    step.done("PostgreSQL ready (pid " + pg.pid() + ")");
    watchPostgres(pgData, pg.pid(), secrets.password(Secrets.POSTGRES_SUPERUSER));
    return pg.adminJdbcUrl();
  }

  private synchronized boolean isStopped() {
    return stopped;
  }

  /**
   * Restarts the embedded PostgreSQL when its postmaster dies, like a supervised child: it runs in
   * this JVM, so the supervisor does not see it (see {@link PostgresWatch}).
   */
  private void watchPostgres(Path pgData, long pid, String superuserPassword) {
    PostgresWatch.Starter starter =
        () -> {
          synchronized (this) {
            if (stopped) {
              throw new StoppingException();
            }
            // Releases zonky's lock on the data directory; stopping the dead server only warns.
            closePostgres();
          }
          EmbeddedPostgresServer pg =
              EmbeddedPostgresServer.start(
                  pgData, options.pgPort(), logs.resolve("postgres.log"), superuserPassword);
          synchronized (this) {
            postgres = pg;
            if (stopped) {
              closePostgres();
              throw new StoppingException();
            }
          }
          return pg.pid();
        };
    PostgresWatch.Listener listener =
        new PostgresWatch.Listener() {
          @Override
          public void restarting(long deadPid, int restarts, Duration delay) {
            progress.line(
                "postgres-1 (pid " + deadPid + ") died; restarting in " + delay.toMillis() + " ms");
            postgresPhase(deadPid, Phase.RESTARTING, restarts);
          }

          @Override
          public void restarted(long newPid, int restarts) {
            progress.line("restarted postgres-1 (pid " + newPid + ")");
            postgresPhase(newPid, Phase.READY, restarts);
          }

          @Override
          public void failed(Exception e, int restarts) {
            progress.line("postgres-1 did not start again: " + describe(e) + "; trying again");
          }
        };
    PostgresWatch watch =
        new PostgresWatch(
            pid,
            p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false),
            starter,
            listener,
            Backoff.standard(),
            clock,
            SystemRunner::sleepQuietly);
    Thread t =
        new Thread(
            () -> {
              while (!isStopped()) {
                watch.check(() -> !isStopped());
                sleepQuietly(Duration.ofMillis(500));
              }
            },
            "bazaar-postgres-watch");
    t.setDaemon(true);
    t.start();
  }

  private void postgresPhase(long pid, Phase phase, int restarts) {
    synchronized (this) {
      if (stopped) {
        return;
      }
      postgresState =
          new InstanceState("postgres", "postgres-1", pid, options.pgPort(), phase, restarts);
    }
    writeState();
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Launches the embedded broker as a supervised child unless an external one is configured; its
   * readiness is awaited together with the first services.
   */
  private BrokerLogins launchBroker(Secrets secrets) throws IOException, InterruptedException {
    if (options.externalAmqpUrl() != null) {
      Progress.Step step = progress.step("creating the broker users on $" + ENV_AMQP_URL);
      BrokerLogins logins =
          BrokerLogins.external(
              options.externalAmqpUrl(), secrets, System.getenv(RabbitUsers.NODE_ENV));
      step.done("broker users ready");
      return logins;
    }
    int port = options.brokerPort();
    // Before the broker starts: it reads its users' passwords from the secrets file.
    BrokerLogins logins = BrokerLogins.embedded(port, secrets);
    progress.line(
        "starting AMQP broker (Qpid Broker-J) on 127.0.0.1:" + port + " in the background");
    ChildSpec spec = brokerSpec(options.dataDir(), port, logs.resolve("broker.log"));
    String classpath = Home.launcherClasspath();
    if (!classpath.contains(java.io.File.pathSeparator) && classpath.endsWith(".jar")) {
      // An AOT cache needs jars on its classpath; from classes (tests, IDE) the broker runs
      // without.
      List<String> launch = List.of("-cp", classpath, BrokerMain.class.getName());
      List<String> cache = startupCache.options("broker", Path.of(classpath));
      jvms.add(
          new StartupCache.Jvm(
              "broker", Home.javaExecutable(), BROKER_HEAP, Path.of(classpath), launch));
      spec = spec.withJvmOptions(cache);
    }
    pendingBroker = supervisor.launch(spec);
    return logins;
  }

  /** The embedded broker while its readiness has not been awaited yet. */
  private Supervisor.Child pendingBroker;

  /** Zipkin ({@code --tracing}) while its readiness has not been awaited yet. */
  private Supervisor.Child pendingZipkin;

  /**
   * With {@code --tracing}: launches Zipkin's server as a supervised child; it starts while the
   * services do, and is awaited with the gateway (it takes longest, up to ~25 s on a busy machine).
   */
  private void launchZipkin() throws IOException, InterruptedException {
    if (!options.tracing()) {
      return;
    }
    progress.line(
        "starting Zipkin (traces) on 127.0.0.1:" + options.zipkinPort() + " in the background");
    pendingZipkin =
        supervisor.launch(
            ZipkinServer.spec(
                options.home(),
                options.dataDir(),
                Home.javaExecutable(),
                options.zipkinPort(),
                logs.resolve("zipkin.log")));
  }

  /** The broker child: {@code java -Xmx256m -cp <launcher> BrokerMain --port N --work D}. */
  static ChildSpec brokerSpec(Path dataDir, int port, Path logFile) {
    Path work = dataDir.resolve("broker");
    List<String> command = new ArrayList<>();
    command.add(Home.javaExecutable());
    command.addAll(BROKER_HEAP);
    command.addAll(
        List.of(
            "-Dderby.stream.error.file=" + work.resolve("derby.log"),
            "-cp",
            Home.launcherClasspath(),
            "dev.bazaar.launcher.broker.BrokerMain",
            "--port",
            Integer.toString(port),
            "--work",
            work.toString()));
    return new ChildSpec(
        "broker",
        "broker-1",
        port,
        0,
        command,
        Map.of(),
        logFile,
        ReadinessProbe.pidFile(work.resolve(BrokerMain.READY_FILE), port));
  }

  private void startServices(Wiring wiring)
      throws IOException, StartupFailure, InterruptedException {
    List<ServiceSpec> inner =
        Services.ALL.stream().filter(s -> !s.edge()).sorted(byStage()).toList();
    List<ServiceSpec> edge =
        Services.ALL.stream().filter(ServiceSpec::edge).sorted(byStage()).toList();
    launchAndWait(inner, wiring);
    launchAndWait(edge, wiring);
    if (pendingZipkin != null) {
      Progress.Step step = progress.step("waiting for Zipkin");
      supervisor.awaitReady(List.of(pendingZipkin));
      pendingZipkin = null;
      step.done("Zipkin is ready");
    }
  }

  private static Comparator<ServiceSpec> byStage() {
    return Comparator.comparingInt(ServiceSpec::stage);
  }

  private void launchAndWait(List<ServiceSpec> specs, Wiring wiring)
      throws IOException, StartupFailure, InterruptedException {
    if (specs.isEmpty()) {
      return;
    }
    Progress.Step step =
        progress.step(
            "starting " + String.join(", ", specs.stream().map(ServiceSpec::name).toList()));
    List<Supervisor.Child> launched = new ArrayList<>();
    for (ServiceSpec s : specs) {
      launched.add(supervisor.launch(serviceSpec(s, wiring)));
    }
    List<Supervisor.Child> awaited = new ArrayList<>(launched);
    if (pendingBroker != null) {
      awaited.add(0, pendingBroker);
      pendingBroker = null;
    }
    supervisor.awaitReady(awaited);
    step.done(
        String.join(", ", specs.stream().map(ServiceSpec::name).toList())
            + (specs.size() == 1 ? " is" : " are")
            + " ready");
  }

  ChildSpec serviceSpec(ServiceSpec s, Wiring wiring) {
    return serviceSpec(s, wiring, 1, options.basePort() + s.portOffset());
  }

  /**
   * Instance {@code number} of a service on {@code port}. Instance 1 logs to {@code <service>.log},
   * further ones to {@code <service>-<n>.log}.
   */
  ChildSpec serviceSpec(ServiceSpec s, Wiring wiring, int number, int port) {
    String instance = s.instance(number);
    Path jar = options.home().resolve(s.jar());
    List<String> command = new ArrayList<>();
    command.add(Home.javaExecutable());
    command.addAll(SERVICE_JVM);
    // Instance 1 trains the build's AOT cache (see StartupCache); further instances only use it.
    List<String> cache = startupCache.options(s.name(), jar);
    if (number == 1) {
      command.addAll(cache);
      jvms.removeIf(j -> j.name().equals(s.name()));
      jvms.add(
          new StartupCache.Jvm(
              s.name(), Home.javaExecutable(), SERVICE_JVM, jar, List.of("-jar", jar.toString())));
    } else if (!cache.contains("-XX:AOTMode=record")) {
      command.addAll(cache);
    }
    // Marks the process as ours: stale clean-up only kills pids whose command line has it.
    command.add("-Dbazaar.data.dir=" + options.dataDir());
    command.add("-Dbazaar.instance=" + instance);
    command.add("-jar");
    command.add(jar.toString());
    return new ChildSpec(
        s.name(),
        instance,
        port,
        s.stage(),
        command,
        withTls(s, instanceEnv(s, wiring, instance, port)),
        logs.resolve((number == 1 ? s.name() : instance) + ".log"),
        ReadinessProbe.http("http://127.0.0.1:" + port + "/q/health/ready"));
  }

  /** From now on users instances get this as {@code BAZAAR_ADMIN_PASSWORD}. */
  void useAdminPassword(AdminPassword.Resolved admin) {
    adminPassword = admin;
  }

  private Map<String, String> instanceEnv(ServiceSpec s, Wiring wiring, String instance, int port) {
    Map<String, String> env = new LinkedHashMap<>(s.env().build(s, wiring));
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("BAZAAR_INSTANCE", instance);
    AdminPassword.Resolved admin = adminPassword;
    if (s.name().equals(ADMIN_ACCOUNT_SERVICE) && admin != null) {
      env.put(AdminPassword.ENV, admin.password());
    }
    if (options.tracing()) {
      env.putAll(ZipkinServer.exportEnv(options.zipkinPort()));
      if (s.edge()) {
        env.put(TRACE_UI_ENV, ZipkinServer.baseUrl(options.zipkinPort()));
      }
    }
    return env;
  }

  /** The gateway also answers https when {@code --tls} made a key store for it. */
  private Map<String, String> withTls(ServiceSpec s, Map<String, String> env) {
    if (!s.edge() || options.tls() == null) {
      return env;
    }
    Map<String, String> tlsEnv = new LinkedHashMap<>(env);
    tlsEnv.putAll(options.tls().env());
    return tlsEnv;
  }

  /** The control endpoint that {@code bazaar scale} talks to; see {@link ControlServer}. */
  private void startControl(Wiring wiring) throws IOException {
    Scaler scaler =
        new Scaler(
            supervisor,
            name -> Services.ALL.stream().filter(s -> s.name().equals(name)).findFirst(),
            (s, number, port) -> serviceSpec(s, wiring, number, port),
            s -> options.basePort() + s.portOffset(),
            SystemRunner::freePort,
            SCALE_DOWN_DRAIN,
            STOP_GRACE);
    ControlServer started = ControlServer.start(options.dataDir(), scaler, new SecureRandom());
    synchronized (this) {
      if (stopped) {
        started.close();
        throw new StoppingException();
      }
      control = started;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private void printSummary(Wiring wiring) {
    List<List<String>> rows = new ArrayList<>();
    for (InstanceState i : instances()) {
      rows.add(
          List.of(
              i.service(),
              Long.toString(i.pid()),
              Integer.toString(i.port()),
              i.state() == Phase.READY ? "ready" : i.state().label()));
    }
    out.println();
    out.print(Table.render(List.of("service", "pid", "port", "health"), rows));
    out.println();
    out.println(
        String.format(
            Locale.ROOT,
            "Bazaar is up: %s (ready in %.1f s)",
            wiring.httpUrl("gateway"),
            Progress.seconds(progress.elapsed())));
    if (adminPassword != null && adminPassword.source() != AdminPassword.Source.GENERATED) {
      adminPassword.announce(out);
    }
    if (options.tracing()) {
      out.println("Traces (Zipkin): " + ZipkinServer.uiUrl(options.zipkinPort()));
    }
    if (options.tls() != null) {
      out.println(
          "HTTPS: "
              + options.tls().url()
              + " (self-signed certificate in "
              + options.tls().keyStore().getParent()
              + ")");
    }
    out.println("Logs: " + logs + "  |  ./bazaar status  |  Ctrl-C or ./bazaar down stops it");
    out.flush();
  }

  private void printLogTail(Path log) {
    try {
      List<String> lines = LogTail.lastLines(log, 20);
      if (!lines.isEmpty()) {
        err.println("---- last " + lines.size() + " lines of " + log + " ----");
        lines.forEach(err::println);
        err.println("----");
      }
    } catch (IOException e) {
      err.println("(cannot read " + log + ": " + e.getMessage() + ")");
    }
  }

  private synchronized List<InstanceState> instances() {
    List<InstanceState> all = new ArrayList<>();
    if (postgresState != null) {
      all.add(postgresState);
    }
    all.addAll(supervisor.snapshot());
    return all;
  }

  private synchronized void writeState() {
    if (!stateOpen) {
      return;
    }
    stateFile.write(
        LauncherState.of(launcherPid, options.dataDir().toString(), progress.start(), instances()));
    registry.write(supervisor.snapshot());
  }

  @SuppressWarnings("restriction")
  private void installStopHandlers() {
    for (String name : List.of("INT", "TERM", "HUP")) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal ->
                new Thread(
                        () -> {
                          synchronized (this) {
                            if (stopped) {
                              // A second Ctrl-C while the AOT caches are written: skip them.
                              startupCache.abort();
                            }
                          }
                          stop();
                          System.exit(0);
                        },
                        "bazaar-stop")
                    .start());
      } catch (IllegalArgumentException e) {
        // The signal is ignored or reserved here (e.g. SIGINT for a background job); the
        // shutdown hook below still stops everything in order.
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "bazaar-shutdown"));
  }

  /** Stops everything in reverse start order; safe to call more than once and from any thread. */
  void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    Progress.Step step = progress.step("stopping Bazaar");
    synchronized (this) {
      if (control != null) {
        control.close();
      }
    }
    supervisor.stopAll(STOP_GRACE, line -> progress.line("  stopped " + line));
    synchronized (this) {
      if (postgres != null) {
        long pid = postgres.pid();
        closePostgres();
        if (postgresState != null) {
          postgresState =
              new InstanceState("postgres", "postgres-1", pid, postgres.port(), Phase.STOPPED, 0);
        }
        progress.line("  stopped postgres-1 (pid " + pid + ")");
      }
      stateOpen = false;
      stateFile.delete();
      registry.delete();
    }
    releaseLock();
    step.done("Bazaar stopped");
    if (startupCache.pending(jvms)) {
      // Once per build: this session was the training run; its recordings become the caches the
      // next start maps. Everything is already stopped; only the launcher is still working.
      Progress.Step aot =
          progress.step("writing AOT caches for the next start (once per build; Ctrl-C skips)");
      startupCache.assemble(List.copyOf(jvms), line -> progress.line("  " + line));
      aot.done("AOT caches written");
    }
  }

  private void closePostgres() {
    try {
      postgres.close();
    } catch (IOException | RuntimeException e) {
      err.println("warning: PostgreSQL did not stop cleanly: " + describe(e));
    }
  }

  private void releaseLock() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      // the lock goes away with the process anyway
    }
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage();
    // A driver's message may quote a URL with its password (BAZAAR_PG_URL, BAZAAR_AMQP_URL).
    return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : PgUrls.redact(msg);
  }

  /** Start-up already printed why it stops; unwinds to {@link #up}. */
  private static final class StartupAbort extends RuntimeException {
    StartupAbort() {
      super(null, null, false, false);
    }
  }
}
