package dev.bazaar.launcher.broker;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import org.apache.qpid.server.SystemLauncher;

/** The launcher's embedded broker (Qpid Broker-J, Derby store) started inside a test JVM. */
public final class TestBroker implements AutoCloseable {
  private final SystemLauncher launcher;
  private final int port;

  private TestBroker(SystemLauncher launcher, int port) {
    this.launcher = launcher;
    this.port = port;
  }

  public static TestBroker start(int port, Path work) throws Exception {
    System.setProperty("derby.stream.error.file", work.resolve("derby.log").toString());
    TestBroker broker = new TestBroker(BrokerMain.start(port, work), port);
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

  public String url() {
    return "amqp://guest:guest@127.0.0.1:" + port + "/";
  }

  @Override
  public void close() {
    launcher.shutdown();
  }
}
