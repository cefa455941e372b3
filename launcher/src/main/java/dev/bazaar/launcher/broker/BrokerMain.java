package dev.bazaar.launcher.broker;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.qpid.server.SystemLauncher;

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

  static SystemLauncher start(int port, Path work) throws Exception {
    Files.createDirectories(work);
    Path initial = work.resolve("initial-config.json");
    Files.write(
        initial,
        new ObjectMapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsBytes(BrokerConfig.initial()));
    Map<String, Object> context = new HashMap<>();
    context.put("qpid.work_dir", work.toString());
    context.put("qpid.amqp_port", Integer.toString(port));
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("type", "JSON");
    attributes.put("storePath", work.resolve("config.json").toString());
    attributes.put("initialConfigurationLocation", initial.toUri().toString());
    attributes.put("startupLoggedToSystemOut", false);
    attributes.put("context", context);
    SystemLauncher launcher = new SystemLauncher();
    launcher.startup(attributes);
    return launcher;
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
