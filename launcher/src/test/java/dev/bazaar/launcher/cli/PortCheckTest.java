package dev.bazaar.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.launcher.cli.PortCheck.NamedPort;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortCheckTest {
  @Test
  void aListeningPortIsBusyAndFreeAfterClose() throws Exception {
    int port;
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = taken.getLocalPort();
      assertThat(PortCheck.isFree(port)).isFalse();
    }
    assertThat(PortCheck.isFree(port)).isTrue();
  }

  @Test
  void aPortTakenOnAllInterfacesIsBusyToo() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      assertThat(PortCheck.isFree(taken.getLocalPort())).isFalse();
    }
  }

  @Test
  void firstBusyNamesTheOwner() throws Exception {
    try (ServerSocket free = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int freePort = free.getLocalPort();
      free.close();

      assertThat(
              PortCheck.firstBusy(
                  List.of(
                      new NamedPort(freePort, "gateway"),
                      new NamedPort(taken.getLocalPort(), "users"))))
          .contains(new NamedPort(taken.getLocalPort(), "users"));
      assertThat(PortCheck.firstBusy(List.of(new NamedPort(freePort, "gateway")))).isEmpty();
    }
  }

  @Test
  void aPortPlannedTwiceIsReported() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(
            PortCheck.firstBusy(
                List.of(new NamedPort(port, "broker"), new NamedPort(port, "users"))))
        .contains(new NamedPort(port, "users"));
  }
}
