package dev.bazaar.launcher;

import dev.bazaar.launcher.cli.PortCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free ports for tests that start real servers. */
public final class TestPorts {
  private TestPorts() {}

  public static int free() {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A base port such that base ... base+count-1 are all free. */
  public static int freeRange(int count) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      boolean allFree = true;
      for (int i = 0; i < count && allFree; i++) {
        allFree = PortCheck.isFree(base + i);
      }
      if (allFree) {
        return base;
      }
    }
    throw new IllegalStateException("no " + count + " consecutive free ports found");
  }
}
