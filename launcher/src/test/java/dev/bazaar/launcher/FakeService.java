package dev.bazaar.launcher;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Stands in for a Quarkus service in launcher tests: serves {@code /q/health/ready} on
 * $QUARKUS_HTTP_PORT. {@code <BAZAAR_DATA_DIR>/fake-<instance>} may hold a mode: {@code exit} (exit
 * 1 at once) or {@code unready} (answer 503).
 */
public final class FakeService {
  private FakeService() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
    String instance = System.getenv().getOrDefault("BAZAAR_INSTANCE", "fake-1");
    Path modeFile =
        Path.of(System.getenv().getOrDefault("BAZAAR_DATA_DIR", "."), "fake-" + instance);
    String mode = Files.exists(modeFile) ? Files.readString(modeFile).trim() : "";
    System.out.println(instance + " starting on " + port + " mode=" + mode);
    System.getenv().entrySet().stream()
        .filter(e -> e.getKey().startsWith("BAZAAR_") || e.getKey().startsWith("QUARKUS_"))
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> System.out.println("env " + e.getKey() + "=" + e.getValue()));
    if (mode.equals("exit")) {
      System.out.println("failing on purpose");
      System.exit(1);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    int status = mode.equals("unready") ? 503 : 200;
    server.createContext(
        "/q/health/ready",
        exchange -> {
          byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(instance + " bye")));
  }
}
