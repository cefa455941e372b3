package dev.bazaar.chaos.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault proxy against an echo server on loopback. */
class FaultProxyTest {
  private ServerSocket echo;
  private FaultProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket s = echo.accept();
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                              in.transferTo(out);
                            } catch (IOException e) {
                              // closed by the test
                            }
                          });
                } catch (IOException e) {
                  return;
                }
              }
            });
    proxy = new FaultProxy(0, echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  private Socket client() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(1000);
    return s;
  }

  private static String roundTrip(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes());
    s.getOutputStream().flush();
    byte[] buf = s.getInputStream().readNBytes(text.length());
    return new String(buf);
  }

  @Test
  void forwardsBothWays() throws IOException {
    try (Socket s = client()) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
    }
  }

  @Test
  void resetBreaksOpenConnectionsButNotNewOnes() throws Exception {
    try (Socket s = client()) {
      assertThat(roundTrip(s, "a")).isEqualTo("a");
      proxy.reset();
      Thread.sleep(100);
      assertThatThrownBy(
              () -> {
                roundTrip(s, "b");
                roundTrip(s, "c");
              })
          .isInstanceOf(IOException.class);
    }
    try (Socket s = client()) {
      assertThat(roundTrip(s, "d")).isEqualTo("d");
    }
  }

  @Test
  void stallHoldsBytesUntilHealed() throws Exception {
    try (Socket s = client()) {
      proxy.stall(true);
      s.getOutputStream().write("x".getBytes());
      assertThatThrownBy(() -> s.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class);
      proxy.heal();
      assertThat(s.getInputStream().read()).isEqualTo('x');
    }
  }

  @Test
  void refuseResetsNewConnections() throws Exception {
    proxy.refuse(true);
    try (Socket s = client()) {
      assertThatThrownBy(() -> roundTrip(s, "y")).isInstanceOf(IOException.class);
    }
    proxy.heal();
    try (Socket s = client()) {
      assertThat(roundTrip(s, "z")).isEqualTo("z");
    }
  }
}
