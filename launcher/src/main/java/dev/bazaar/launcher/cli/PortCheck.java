package dev.bazaar.launcher.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

/** Finds ports that are already taken before anything is started. */
public final class PortCheck {
  private PortCheck() {}

  /** A port the launcher will bind and who will bind it. */
  public record NamedPort(int port, String owner) {}

  /** True when a server socket can be bound on 127.0.0.1:port right now. */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port that is in use, or a port listed twice. */
  public static Optional<NamedPort> firstBusy(List<NamedPort> ports) {
    for (int i = 0; i < ports.size(); i++) {
      NamedPort p = ports.get(i);
      for (int j = 0; j < i; j++) {
        if (ports.get(j).port() == p.port()) {
          return Optional.of(p);
        }
      }
      if (!isFree(p.port())) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
