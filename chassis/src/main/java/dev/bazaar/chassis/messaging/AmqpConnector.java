package dev.bazaar.chassis.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One AMQP connection per process that survives broker restarts: the first connect is retried in
 * the background until the broker answers (a service may start before its broker), and after that
 * the client's automatic recovery reconnects and re-declares queues, bindings and consumers.
 */
public final class AmqpConnector implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(AmqpConnector.class);
  private static final Duration CONNECT_RETRY = Duration.ofMillis(200);
  private static final Duration RETRY_LOG_EVERY = Duration.ofSeconds(10);

  private final ConnectionFactory factory;
  private final String connectionName;
  private final List<Consumer<Connection>> onConnect = new CopyOnWriteArrayList<>();
  private volatile Connection connection;
  private volatile boolean closed;
  private Thread connectThread;

  public AmqpConnector(String uri, String connectionName) {
    this.connectionName = connectionName;
    this.factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "bazaar.amqp.url is not a valid AMQP URI: " + redact(uri), e);
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(1000);
    factory.setRequestedHeartbeat(10);
    factory.setConnectionTimeout(5000);
  }

  /** Connects in the background; returns at once. */
  public synchronized void start() {
    if (connectThread != null) {
      return;
    }
    connectThread = Thread.ofPlatform().daemon().name("amqp-connect").start(this::connectLoop);
  }

  /**
   * The first connection is retried at a short fixed interval: the broker is usually starting next
   * to us and answers within seconds, so a doubling wait would only add latency to start-up. The
   * failure is logged once, then at most every {@link #RETRY_LOG_EVERY} while it lasts.
   */
  private void connectLoop() {
    long attempts = 0;
    long lastLog = 0;
    while (!closed && connection == null) {
      try {
        Connection c = factory.newConnection(connectionName);
        connection = c;
        LOG.infof(
            "connected to AMQP broker %s:%d%s",
            factory.getHost(),
            factory.getPort(),
            attempts == 0 ? "" : " after " + attempts + " failed attempts");
        for (Consumer<Connection> callback : onConnect) {
          runCallback(callback, c);
        }
        return;
      } catch (Exception e) {
        attempts++;
        long now = System.nanoTime();
        if (attempts == 1 || now - lastLog >= RETRY_LOG_EVERY.toNanos()) {
          lastLog = now;
          LOG.warnf(
              "AMQP broker %s:%d not reachable (%s); retrying every %d ms",
              factory.getHost(), factory.getPort(), e.getMessage(), CONNECT_RETRY.toMillis());
        }
        sleep(CONNECT_RETRY);
      }
    }
  }

  /**
   * Runs {@code callback} once the connection exists (now, if it already does). Channels and
   * consumers it creates are recovered by the client after a broker restart.
   */
  public void whenConnected(Consumer<Connection> callback) {
    onConnect.add(callback);
    Connection c = connection;
    if (c != null) {
      runCallback(callback, c);
    }
  }

  private void runCallback(Consumer<Connection> callback, Connection c) {
    try {
      callback.accept(c);
    } catch (RuntimeException e) {
      LOG.error("AMQP set-up callback failed", e);
    }
  }

  public Channel createChannel() throws IOException {
    Connection c = connection;
    if (c == null || !c.isOpen()) {
      throw new IOException("not connected to the AMQP broker");
    }
    Channel ch = c.createChannel();
    if (ch == null) {
      throw new IOException("the broker refused a new channel");
    }
    return ch;
  }

  /** The broker user this process connects as: what it publishes carries it as user-id. */
  public String username() {
    return factory.getUsername();
  }

  public boolean isOpen() {
    Connection c = connection;
    return c != null && c.isOpen();
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close(2000);
      } catch (Exception e) {
        LOG.debug("closing AMQP connection", e);
      }
    }
  }

  static String redact(String uri) {
    return uri == null ? null : uri.replaceAll("//([^:/@]+):[^@]*@", "//$1:***@");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
