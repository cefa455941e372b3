package dev.bazaar.launcher.broker;

import dev.bazaar.launcher.infra.Secrets;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;

/**
 * The launcher's embedded broker (Qpid Broker-J with the launcher's store, users and ACL) started
 * inside a test JVM, with one more user, {@link #OPEN_USER}, that may do anything.
 */
public final class TestBroker implements AutoCloseable {
  private final SystemLauncher launcher;
  private final int port;
  private final Path dataDir;

  private TestBroker(SystemLauncher launcher, int port, Path dataDir) {
    this.launcher = launcher;
    this.port = port;
    this.dataDir = dataDir;
  }

  public static TestBroker start(int port, Path work) throws Exception {
    System.setProperty("derby.stream.error.file", work.resolve("derby.log").toString());
    Path dataDir = work.toAbsolutePath().normalize().getParent();
    Map<String, String> passwords =
        new LinkedHashMap<>(BrokerAccess.passwords(new Secrets(dataDir, new SecureRandom())));
    passwords.put(OPEN_USER, OPEN_USER);
    TestBroker broker =
        new TestBroker(
            BrokerMain.start(port, work, passwords, "ACL ALLOW " + OPEN_USER + " ALL ALL\n"),
            port,
            dataDir);
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return broker;
      } catch (java.io.IOException e) {
        if (System.currentTimeMillis() > deadline) {
          broker.close();
          throw new IllegalStateException("embedded broker did not open port " + port);
        }
        Thread.sleep(50);
      }
    }
  }

  /** A user the ACL allows everything, for tests that make their own queues. */
  static final String OPEN_USER = "it-open";

  /** Logged in as {@link #OPEN_USER}. */
  public String url() {
    return AmqpUrls.withUser("amqp://127.0.0.1:" + port + "/", OPEN_USER, OPEN_USER);
  }

  /** Logged in as {@code user}, one of {@link BrokerAccess#userNames()}. */
  public String url(String user) {
    return BrokerLogins.embedded(port, new Secrets(dataDir, new SecureRandom())).urlFor(user);
  }

  @Override
  public void close() {
    launcher.shutdown();
  }
}
