package dev.bazaar.launcher.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bazaar.launcher.supervise.StartupFailure;
import dev.bazaar.launcher.supervise.StoppingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The running launcher's control endpoint, for {@code bazaar scale}: a JDK HTTP server on 127.0.0.1
 * with a random port. Its port and a random token are in {@code <data>/control.json} (mode 600), so
 * only the user who owns the data dir can use it. {@code POST /scale} with the token in {@code
 * X-Bazaar-Token} and a body of {@code <service>=<count>} lines; the answer is one text line per
 * service. Requests are handled one at a time.
 */
public final class ControlServer implements AutoCloseable {
  public static final String FILE = "control.json";
  public static final String TOKEN_HEADER = "X-Bazaar-Token";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a running launcher listens. */
  public record Endpoint(int port, String token) {}

  private final HttpServer server;
  private final Path file;
  private final String token;
  private final Scaler scaler;

  private ControlServer(HttpServer server, Path file, String token, Scaler scaler) {
    this.server = server;
    this.file = file;
    this.token = token;
    this.scaler = scaler;
  }

  public static ControlServer start(Path dataDir, Scaler scaler, SecureRandom random)
      throws IOException {
    byte[] secret = new byte[24];
    random.nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    ControlServer control = new ControlServer(server, dataDir.resolve(FILE), token, scaler);
    server.createContext("/scale", control::handle);
    server.start();
    control.writeFile(server.getAddress().getPort());
    return control;
  }

  /** The endpoint recorded in the data dir, if any. */
  public static Optional<Endpoint> read(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(file.toFile());
      return Optional.of(new Endpoint(node.get("port").asInt(), node.get("token").asText()));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private void writeFile(int port) throws IOException {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(
        tmp, JSON.writeValueAsBytes(JSON.createObjectNode().put("port", port).put("token", token)));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      if (!"POST".equals(exchange.getRequestMethod())) {
        answer(exchange, 405, "use POST");
        return;
      }
      String given = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
      if (given == null
          || !MessageDigest.isEqual(
              given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        answer(exchange, 403, "wrong or missing " + TOKEN_HEADER);
        return;
      }
      String body = new String(exchange.getRequestBody().readNBytes(4096), StandardCharsets.UTF_8);
      List<ScaleRequest> requests = new ArrayList<>();
      try {
        for (String part : body.trim().split("\\s+")) {
          if (!part.isBlank()) {
            requests.add(ScaleRequest.parse(part));
          }
        }
        if (requests.isEmpty()) {
          throw new IllegalArgumentException("nothing to scale; expected e.g. catalog=3");
        }
      } catch (IllegalArgumentException e) {
        answer(exchange, 400, e.getMessage());
        return;
      }
      List<String> lines = new ArrayList<>();
      for (ScaleRequest request : requests) {
        try {
          lines.add(scaler.scale(request));
        } catch (IllegalArgumentException e) {
          lines.add("error: " + e.getMessage());
          answer(exchange, 400, String.join("\n", lines));
          return;
        } catch (StartupFailure e) {
          lines.add("error: " + e.getMessage() + " (see " + e.logFile() + ")");
          answer(exchange, 500, String.join("\n", lines));
          return;
        } catch (StoppingException e) {
          lines.add("error: Bazaar is stopping");
          answer(exchange, 409, String.join("\n", lines));
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          answer(exchange, 409, "error: interrupted");
          return;
        }
      }
      answer(exchange, 200, String.join("\n", lines));
    } catch (IOException | RuntimeException e) {
      answer(exchange, 500, "error: " + e);
    } finally {
      exchange.close();
    }
  }

  private static void answer(HttpExchange exchange, int status, String text) {
    try {
      byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (IOException e) {
      // the caller went away; nothing to tell it
    }
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file, e);
    }
  }
}
