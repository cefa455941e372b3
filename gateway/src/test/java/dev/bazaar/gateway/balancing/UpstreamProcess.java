package dev.bazaar.gateway.balancing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An upstream instance in its own JVM, so that a test can kill it with SIGKILL: answers every
 * request with 200 and {@code {"instance":"<name>"}}. Prints {@code PORT <n>} once it listens.
 */
public final class UpstreamProcess {
  private UpstreamProcess() {}

  public static void main(String[] args) throws IOException {
    String name = args[0];
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    byte[] body = ("{\"instance\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("X-Instance", name);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    System.out.println("PORT " + server.getAddress().getPort());
    System.out.flush();
  }
}
