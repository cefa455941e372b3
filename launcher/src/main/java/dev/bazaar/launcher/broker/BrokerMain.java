package dev.bazaar.launcher.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.launcher.infra.SecretFile;
import dev.bazaar.launcher.infra.Secrets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Principal;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import javax.security.auth.Subject;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.model.Exchange;
import org.apache.qpid.server.model.VirtualHost;

/**
 * The embedded AMQP 0-9-1 broker (Qpid Broker-J) as its own JVM: {@code BrokerMain --port N --work
 * DIR}. Exits 1 if the AMQP port does not accept connections within 60 s, since Qpid only logs a
 * bad config and even logs "Ready" when the port failed to bind.
 */
public final class BrokerMain {
  /** Holds the broker's pid once it is ready; removed when it stops. */
  public static final String READY_FILE = "ready.pid";

  private static final long PORT_WAIT_MILLIS = 60_000;

  private BrokerMain() {}

  public static void main(String[] args) throws Exception {
    int port = -1;
    Path work = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--work" -> work = Path.of(args[i + 1]).toAbsolutePath().normalize();
        default -> usage();
      }
    }
    if (port <= 0 || work == null || args.length % 2 != 0) {
      usage();
    }
    configureLogging(work);
    Path ready = work.resolve(READY_FILE);
    Files.createDirectories(work);
    Files.deleteIfExists(ready);
    SystemLauncher launcher = start(port, work);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("bazaar-broker: stopping");
                  try {
                    Files.deleteIfExists(ready);
                  } catch (IOException e) {
                    // a stale file names a dead pid, which the launcher's probe ignores
                  }
                  launcher.shutdown();
                  stopped.countDown();
                },
                "broker-shutdown"));
    if (!awaitPort(port, PORT_WAIT_MILLIS)) {
      System.out.println("bazaar-broker: AMQP port " + port + " did not open; giving up");
      System.exit(1);
    }
    Files.writeString(ready, Long.toString(ProcessHandle.current().pid()));
    System.out.println("bazaar-broker: ready on 127.0.0.1:" + port);
    stopped.await();
  }

  /**
   * Starts the broker with the users of {@link BrokerAccess}, their passwords from {@code
   * <work>/../secrets.properties} (the launcher generates them before it starts the broker; they
   * are on no command line and in no environment).
   */
  static SystemLauncher start(int port, Path work) throws Exception {
    Path dataDir = work.toAbsolutePath().normalize().getParent();
    return start(port, work, BrokerAccess.passwords(new Secrets(dataDir, new SecureRandom())), "");
  }

  /**
   * @param passwords user name to password
   * @param firstRules ACL rules placed before {@link BrokerAccess#qpidAcl()} (tests only)
   */
  static SystemLauncher start(int port, Path work, Map<String, String> passwords, String firstRules)
      throws Exception {
    SecretFile.privateDirectory(work);
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
    Path config = work.resolve("config.json");
    String nodeId = previousNodeId(config);
    Path acl = work.resolve("bazaar.acl");
    SecretFile.write(acl, firstRules + BrokerAccess.qpidAcl());
    // Only salted SCRAM keys, no password, are in the configuration; it is still nobody else's.
    Path initial = work.resolve("initial-config.json");
    SecretFile.write(
        initial,
        new ObjectMapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsBytes(BrokerConfig.of(passwords, acl, nodeId)));
    Files.deleteIfExists(config);
    Map<String, Object> context = new HashMap<>();
    context.put("qpid.work_dir", work.toString());
    context.put("qpid.amqp_port", Integer.toString(port));
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("type", "JSON");
    attributes.put("storePath", config.toString());
    attributes.put("initialConfigurationLocation", initial.toUri().toString());
    attributes.put("startupLoggedToSystemOut", false);
    attributes.put("context", context);
    BindingGuard guard =
        new BindingGuard(
            (what, why) -> System.out.println("bazaar-broker: removed " + what + ": " + why));
    SystemLauncher launcher = new SystemLauncher(guard);
    guard.runAs(launcher.getSystemPrincipal());
    try {
      launcher.startup(attributes);
    } finally {
      Files.deleteIfExists(initial);
    }
    // Not ready before the bindings are guarded (the virtual host opens after the port).
    long deadline = System.currentTimeMillis() + PORT_WAIT_MILLIS;
    while (!guard.watch()) {
      if (System.currentTimeMillis() > deadline) {
        launcher.shutdown();
        throw new IllegalStateException("the virtual host did not become active");
      }
      Thread.sleep(50);
    }
    declareExchanges(guard.virtualHost().orElseThrow(), launcher.getSystemPrincipal());
    return launcher;
  }

  /**
   * The setup step on the embedded broker: the shared exchanges of {@link BrokerAccess#EXCHANGES},
   * declared by the broker itself before it reports ready, since the ACL lets no service declare
   * (or delete) an exchange. An exchange kept from an earlier start is left as it is.
   */
  static void declareExchanges(VirtualHost<?> host, Principal system) {
    Subject subject = new Subject(true, Set.of(system), Set.of(), Set.of());
    for (String name : BrokerAccess.EXCHANGES) {
      if (host.getChildByName(Exchange.class, name) == null) {
        Subject.callAs(
            subject,
            () ->
                host.createChild(
                    Exchange.class,
                    Map.of(Exchange.NAME, name, Exchange.TYPE, "topic", Exchange.DURABLE, true)));
      }
    }
  }

  /**
   * The id of the virtual host node in the configuration an earlier start wrote: the node's own
   * store (queues, bindings, messages) belongs to that id.
   */
  static String previousNodeId(Path config) throws IOException {
    if (!Files.exists(config)) {
      return null;
    }
    JsonNode nodes = new ObjectMapper().readTree(config.toFile()).path("virtualhostnodes");
    for (JsonNode node : nodes) {
      if (BrokerConfig.NODE.equals(node.path("name").asText())) {
        return node.path("id").asText(null);
      }
    }
    return null;
  }

  private static void configureLogging(Path work) {
    System.setProperty("derby.stream.error.file", work.resolve("derby.log").toString());
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setDefault("org.slf4j.simpleLogger.log.qpid.message", "info");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setDefault("org.slf4j.simpleLogger.logFile", "System.out");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  static boolean awaitPort(int port, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return true;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    return false;
  }

  private static void usage() {
    System.err.println("usage: BrokerMain --port N --work DIR");
    System.exit(2);
  }
}
