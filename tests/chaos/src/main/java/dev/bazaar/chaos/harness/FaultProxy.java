package dev.bazaar.chaos.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy of our own between the services and the broker or the database, because {@code tc
 * netem} does not work on this kernel. It forwards bytes both ways and, on command:
 *
 * <ul>
 *   <li>{@link #reset()}: closes every open connection with a TCP RST (SO_LINGER 0), as a crashed
 *       peer or a middlebox would;
 *   <li>{@link #stall(boolean)}: stops moving bytes while the connections stay open, as a network
 *       partition that drops packets silently does (peers see only their own timeouts);
 *   <li>{@link #refuse(boolean)}: resets every new connection right after accepting it.
 * </ul>
 */
final class FaultProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean stalled;
  private volatile boolean refusing;
  private volatile boolean closed;

  FaultProxy(int listenPort, int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    Thread.ofVirtual().name("proxy-accept-" + listenPort).start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (refusing) {
          rst(client);
          continue;
        }
        Socket upstream = new Socket();
        try {
          upstream.connect(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 3000);
        } catch (IOException e) {
          rst(client);
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        open.add(client);
        open.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        while (stalled && !closed) {
          Thread.sleep(20);
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the other direction or a fault closed it
    } finally {
      close(from);
      close(to);
    }
  }

  /** Resets every open connection. */
  void reset() {
    for (Socket s : open) {
      rst(s);
    }
  }

  void stall(boolean on) {
    stalled = on;
  }

  void refuse(boolean on) {
    refusing = on;
  }

  /** Back to forwarding everything. */
  void heal() {
    stalled = false;
    refusing = false;
  }

  private void rst(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    close(s);
  }

  private void close(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    reset();
  }
}
