package dev.bazaar.chaos.harness;

import dev.bazaar.chaos.check.Checker;
import dev.bazaar.chaos.check.Observed;
import dev.bazaar.chaos.check.Verdict;
import dev.bazaar.chaos.check.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code tests/chaos/run --orders N --seed S --infra embedded|real --out DIR}: starts Bazaar,
 * places N orders through the gateway while a seeded schedule injects faults, stops the faults,
 * waits at most 30 s, checks every invariant, writes the report, stops Bazaar. Exit 0 only when
 * every invariant holds and every required fault kind was applied; the last line is {@code chaos:
 * <invariant counts>}.
 */
public final class Main {
  static final Duration SETTLE = Duration.ofSeconds(30);

  record Options(
      int orders,
      long seed,
      String infra,
      Path out,
      int clients,
      double faultEvery,
      int basePort,
      List<String> scale,
      Set<String> skip,
      boolean faultsOnce) {}

  public static void main(String[] args) {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      System.err.println(
          "usage: tests/chaos/run --orders N [--seed S] [--infra embedded|real] [--out DIR] [--clients C]"
              + " [--fault-every SECONDS] [--faults once|continuous] [--base-port P] [--scale svc=n,...]"
              + " [--no-fault KIND]...");
      System.exit(2);
      return;
    }
    int code;
    try {
      code = new Main().run(o);
    } catch (Exception e) {
      e.printStackTrace();
      System.out.println("chaos: error: " + e.getMessage());
      code = 3;
    }
    System.exit(code);
  }

  static Options parse(String[] args) {
    int orders = -1;
    long seed = System.nanoTime() % 1_000_000;
    String infra = "embedded";
    Path out = null;
    int clients = 24;
    double faultEvery = 8;
    int basePort = 22000;
    List<String> scale = List.of("orders=2", "payments=2");
    Set<String> skip = new HashSet<>();
    boolean faultsOnce = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--orders" -> orders = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--infra" -> infra = v;
          case "--out" -> out = Path.of(v);
          case "--clients" -> clients = Integer.parseInt(v);
          case "--fault-every" -> faultEvery = Double.parseDouble(v);
          case "--base-port" -> basePort = Integer.parseInt(v);
          case "--scale" -> scale = v.isBlank() ? List.of() : List.of(v.split(","));
          case "--no-fault" -> skip.add(v);
          case "--faults" ->
              faultsOnce =
                  switch (v) {
                    case "once" -> true;
                    case "continuous" -> false;
                    default ->
                        throw new IllegalArgumentException(
                            "--faults must be once or continuous, but was " + v);
                  };
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + " must be a number, but was " + v);
      }
    }
    if (orders < 1) {
      throw new IllegalArgumentException("--orders must be at least 1");
    }
    if (!infra.equals("embedded") && !infra.equals("real")) {
      throw new IllegalArgumentException("--infra must be embedded or real, but was " + infra);
    }
    if (clients < 1 || faultEvery <= 0) {
      throw new IllegalArgumentException("--clients and --fault-every must be positive");
    }
    if (out == null) {
      out = Path.of("target", "chaos", infra + "-" + seed);
    }
    return new Options(
        orders,
        seed,
        infra,
        out.toAbsolutePath(),
        clients,
        faultEvery,
        basePort,
        scale,
        skip,
        faultsOnce);
  }

  int run(Options o) throws Exception {
    Path root = Path.of(System.getProperty("bazaar.home", ".")).toAbsolutePath().normalize();
    Path out = o.out();
    Path data = out.resolve("data");
    if (Files.exists(data)) {
      try (var paths = Files.walk(data)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(data);
    System.out.println(
        "chaos: "
            + o.infra()
            + ", "
            + o.orders()
            + " orders, seed "
            + o.seed()
            + ", report in "
            + out);
    boolean real = o.infra().equals("real");
    RealInfra infra = null;
    FaultProxy amqpProxy = null;
    FaultProxy pgProxy = null;
    Map<String, String> env = new LinkedHashMap<>();
    int pgPort = o.basePort() + 200;
    Bazaar bazaar = null;
    Verdict verdict = null;
    Report.Run report = null;
    try {
      if (real) {
        infra =
            new RealInfra(
                Path.of("/tmp", "bazaar-chaos-infra-" + o.basePort()),
                o.basePort() + 300,
                o.basePort() + 310);
        System.out.println(
            "chaos: starting a private PostgreSQL on "
                + infra.pgPort
                + " and RabbitMQ on "
                + infra.amqpPort);
        infra.start();
        amqpProxy = new FaultProxy(o.basePort() + 320, infra.amqpPort);
        pgProxy = new FaultProxy(o.basePort() + 330, infra.pgPort);
        env.put("BAZAAR_AMQP_URL", "amqp://guest:guest@127.0.0.1:" + amqpProxy.port() + "/%2F");
        // The launcher creates the per-service broker users with rabbitmqctl: on this run's node.
        env.put("BAZAAR_RABBITMQ_NODE", infra.node);
        env.put(
            "BAZAAR_PG_URL",
            "jdbc:postgresql://127.0.0.1:" + pgProxy.port() + "/postgres?user=postgres");
        pgPort = infra.pgPort;
      }
      bazaar = new Bazaar(root, data, o.basePort(), env, out.resolve("launcher.log"));
      long t0 = System.nanoTime();
      bazaar.up();
      System.out.printf("chaos: Bazaar is up (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
      History history = new History(System.nanoTime());
      Http http = new Http(bazaar.gateway());
      Workload w = new Workload(http, history, Duration.ofSeconds(120));
      Random rnd = new Random(o.seed());
      String admin = w.login("admin@bazaar.local", bazaar.adminPassword());
      w.createProducts(admin, rnd, o.orders());
      w.registerCustomers(Math.max(8, Math.min(150, o.orders() / 8)));
      List<String> extras = new ArrayList<>();
      if (!o.scale().isEmpty()) {
        List<String> args = new ArrayList<>(List.of("scale"));
        args.addAll(o.scale());
        System.out.println(
            "chaos: " + bazaar.run(300, args.toArray(String[]::new)).strip().replace("\n", "; "));
        for (String s : o.scale()) {
          String[] kv = s.split("=");
          for (int n = 2; n <= Integer.parseInt(kv[1]); n++) {
            extras.add(kv[0] + "-" + n);
          }
        }
      }
      List<Faults.Kind> kinds = kinds(o, bazaar, infra, amqpProxy, pgProxy, extras);
      List<Workload.Job> jobs = w.jobs(rnd, o.orders());
      AtomicBoolean faulting = new AtomicBoolean(true);
      Faults faults =
          new Faults(kinds, o.seed(), history, o.faultEvery(), o.faultsOnce(), faulting::get);
      Thread faultThread = Thread.ofPlatform().name("faults").start(faults);
      ExecutorService pool = Executors.newFixedThreadPool(o.clients());
      for (Workload.Job job : jobs) {
        pool.submit(
            () ->
                w.run(
                    Thread.currentThread().getName().replace("pool-1-thread-", "c"), job, 300_000));
      }
      pool.shutdown();
      long lastReport = 0;
      while (w.placementsDone.get() < jobs.size()) {
        Thread.sleep(200);
        if (history.now() - lastReport > 10_000) {
          lastReport = history.now();
          System.out.printf(
              "chaos: %7.1f s  placed %d/%d, acknowledged %d, seen final %d%n",
              history.now() / 1000.0,
              w.placementsDone.get(),
              jobs.size(),
              w.acked.get(),
              w.finals.size());
        }
      }
      if (o.faultsOnce()) {
        // Every kind must be applied, even when the orders went through before the schedule did.
        faultThread.join();
      }
      faulting.set(false);
      faultThread.join();
      Faults.resumeAll();
      if (amqpProxy != null) {
        amqpProxy.heal();
        pgProxy.heal();
      }
      long faultsStop = history.now();
      System.out.printf(
          "chaos: %7.1f s  faults stopped; waiting at most %d s for the system to settle%n",
          faultsStop / 1000.0, SETTLE.toSeconds());
      StateReader reader = new StateReader(bazaar, pgPort, http, c -> w.login(c.email, c.password));
      Set<String> customers = StateReader.ids(w.customers);
      String unsettled = "not read yet";
      while (history.now() - faultsStop < SETTLE.toMillis()) {
        unsettled = reader.unsettled(customers);
        if (unsettled == null) {
          break;
        }
        Thread.sleep(1000);
      }
      // Consumers may still be handling the last published messages: a moment for them.
      Thread.sleep(unsettled == null ? 2000 : 0);
      long checkedAt = history.now();
      String settled =
          unsettled == null
              ? "settled " + Report.sec(checkedAt - faultsStop) + " after the faults stopped"
              : "not settled after " + SETTLE.toSeconds() + " s: " + unsettled;
      System.out.printf("chaos: %7.1f s  %s; checking%n", checkedAt / 1000.0, settled);
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
      Map<String, Workload.Customer> owners = new LinkedHashMap<>();
      w.customers.forEach(c -> owners.put(c.id, c));
      Observed observed = reader.read(customers, w.products, owners);
      verdict = Checker.check(history.snapshot(), observed);
      Map<String, Map<String, List<String>>> details = new LinkedHashMap<>();
      for (Violation v : verdict.violations()) {
        if (v.orderId() != null && details.size() < 50) {
          details.computeIfAbsent(v.orderId(), reader::details);
        }
      }
      report =
          new Report.Run(
              o.infra(),
              o.seed(),
              o.orders(),
              o.clients(),
              faultsStop,
              checkedAt,
              settled,
              List.copyOf(faults.timeline),
              faults.missingRequired(),
              history.snapshot(),
              details);
      Report.write(out, report, verdict);
      Files.writeString(out.resolve("status-after.txt"), bazaar.run(60, "status"));
    } finally {
      Faults.resumeAll();
      if (bazaar != null) {
        try {
          bazaar.down();
        } catch (Exception e) {
          System.err.println("chaos: bazaar down: " + e.getMessage());
        }
      }
      for (FaultProxy p : new FaultProxy[] {amqpProxy, pgProxy}) {
        if (p != null) {
          p.close();
        }
      }
      if (infra != null) {
        infra.close();
      }
    }
    boolean valid = verdict.valid() && report.missingFaultKinds().isEmpty();
    System.out.println(
        "chaos: report "
            + out.resolve("report.md")
            + (valid ? "" : " (INVALID)")
            + (report.missingFaultKinds().isEmpty()
                ? ""
                : "; fault kinds never applied: " + report.missingFaultKinds()));
    System.out.println("chaos: " + (valid ? "valid" : "INVALID") + "; " + verdict.summary());
    return valid ? 0 : 1;
  }

  private static List<Faults.Kind> kinds(
      Options o,
      Bazaar bazaar,
      RealInfra infra,
      FaultProxy amqp,
      FaultProxy pg,
      List<String> extras) {
    List<Faults.Kind> kinds = new ArrayList<>();
    List<String> processes =
        List.of("users", "catalog", "orders", "payments", "notifications", "gateway");
    for (String svc : processes) {
      kinds.add(new Faults.Kind("kill " + svc, true, r -> kill(bazaar, svc + "-1")));
    }
    if (!extras.isEmpty()) {
      kinds.add(
          new Faults.Kind(
              "kill extra instance",
              true,
              r -> kill(bazaar, extras.get(r.nextInt(extras.size())))));
    }
    List<String> pausable = new ArrayList<>(processes.stream().map(s -> s + "-1").toList());
    pausable.addAll(extras);
    if (infra == null) {
      pausable.add("broker-1");
      kinds.add(new Faults.Kind("kill broker", true, r -> kill(bazaar, "broker-1")));
      kinds.add(new Faults.Kind("kill postgres", true, r -> kill(bazaar, "postgres-1")));
    } else {
      kinds.add(
          new Faults.Kind(
              "restart rabbitmq",
              true,
              r -> {
                long down = 1000 + r.nextInt(3000);
                infra.restartRabbit(down);
                return new String[] {"rabbitmq", "stop_app, " + down + " ms, start_app"};
              }));
      kinds.add(
          new Faults.Kind(
              "restart postgres",
              true,
              r -> {
                infra.restartPostgres();
                return new String[] {"postgres", "pg_ctl restart -m fast"};
              }));
      kinds.add(new Faults.Kind("proxy amqp", true, r -> proxyFault(amqp, "amqp", r)));
      kinds.add(new Faults.Kind("proxy postgres", true, r -> proxyFault(pg, "postgres", r)));
    }
    kinds.add(
        new Faults.Kind(
            "pause",
            true,
            r -> {
              String target = pausable.get(r.nextInt(pausable.size()));
              long millis = 1000 + r.nextInt(19_000);
              long pid = Faults.readyPid(bazaar, target);
              Faults.pause(pid, millis);
              return new String[] {target, "SIGSTOP " + millis + " ms"};
            }));
    kinds.removeIf(k -> o.skip().contains(k.name()));
    return kinds;
  }

  private static String[] kill(Bazaar bazaar, String instance) throws Exception {
    long pid = Faults.readyPid(bazaar, instance);
    Faults.signal("KILL", pid);
    return new String[] {instance, "kill -9 " + pid};
  }

  private static String[] proxyFault(FaultProxy proxy, String name, Random r) throws Exception {
    switch (r.nextInt(3)) {
      case 0 -> {
        proxy.reset();
        return new String[] {name, "reset every connection"};
      }
      case 1 -> {
        long ms = 1000 + r.nextInt(9000);
        proxy.stall(true);
        Thread.sleep(ms);
        proxy.stall(false);
        return new String[] {name, "stall " + ms + " ms"};
      }
      default -> {
        long ms = 1000 + r.nextInt(4000);
        proxy.refuse(true);
        proxy.reset();
        Thread.sleep(ms);
        proxy.refuse(false);
        return new String[] {name, "reset, refuse for " + ms + " ms"};
      }
    }
  }
}
