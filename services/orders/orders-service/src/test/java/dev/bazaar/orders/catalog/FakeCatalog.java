package dev.bazaar.orders.catalog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the catalog service on a free port. How it answers depends only on the product id
 * asked for (see {@link CatalogMother}) and, for the flaky one, the request id; so tests share it
 * without coordinating and without state crossing Quarkus' test class loaders.
 */
public class FakeCatalog implements QuarkusTestResourceLifecycleManager {

  // Per request id, so that tests stay independent of each other.
  private static final Set<String> FLAKY_SEEN = ConcurrentHashMap.newKeySet();

  private HttpServer server;
  private ExecutorService executor;

  @Override
  public Map<String, String> start() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/api/v1/products/", FakeCatalog::handle);
    server.createContext("/internal/v1/products/lookup", FakeCatalog::lookup);
    server.start();
    return Map.of("bazaar.catalog-url", url(server));
  }

  static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static void handle(HttpExchange exchange) throws IOException {
    String id = exchange.getRequestURI().getPath().substring("/api/v1/products/".length());
    if (id.equals("lookup")) {
      lookup(exchange);
      return;
    }
    switch (id) {
      case CatalogMother.FAILING -> send(exchange, 503, "{\"status\":503}");
      case CatalogMother.DROPPING -> exchange.close();
      case CatalogMother.SLOW -> {
        try {
          Thread.sleep(2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        send(exchange, 200, CatalogMother.json(CatalogMother.MUG));
      }
      case CatalogMother.FLAKY -> {
        String requestId = String.valueOf(exchange.getRequestHeaders().getFirst("X-Request-Id"));
        if (FLAKY_SEEN.add(requestId)) {
          send(exchange, 503, "{\"status\":503}");
        } else {
          send(exchange, 200, CatalogMother.json(CatalogMother.MUG));
        }
      }
      case CatalogMother.ECHO -> {
        String name =
            "rid="
                + exchange.getRequestHeaders().getFirst("X-Request-Id")
                + " tp="
                + exchange.getRequestHeaders().getFirst("traceparent");
        send(
            exchange,
            200,
            CatalogMother.json(new CatalogMother.Product(CatalogMother.ECHO, name, 100, "EUR")));
      }
      default -> {
        CatalogMother.Product p = CatalogMother.ALL.get(id);
        if (p == null) {
          send(
              exchange, 404, "{\"status\":404,\"type\":\"https://bazaar.dev/problems/not-found\"}");
        } else {
          send(exchange, 200, CatalogMother.json(p));
        }
      }
    }
  }

  /**
   * {@code /internal/v1/products/lookup?ids=...}: the known products among the ids; one failing,
   * slow, dropping or flaky id makes the whole lookup behave that way, as one call does.
   */
  static void lookup(HttpExchange exchange) throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    String[] ids =
        query == null || !query.startsWith("ids=") ? new String[0] : query.substring(4).split(",");
    StringBuilder items = new StringBuilder();
    int n = 0;
    for (String id : ids) {
      switch (id) {
        case CatalogMother.FAILING -> {
          send(exchange, 503, "{\"status\":503}");
          return;
        }
        case CatalogMother.DROPPING -> {
          exchange.close();
          return;
        }
        case CatalogMother.SLOW -> {
          try {
            Thread.sleep(2_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        case CatalogMother.FLAKY -> {
          String requestId = String.valueOf(exchange.getRequestHeaders().getFirst("X-Request-Id"));
          if (FLAKY_SEEN.add(requestId)) {
            send(exchange, 503, "{\"status\":503}");
            return;
          }
        }
        default -> {}
      }
      String json;
      if (id.equals(CatalogMother.ECHO)) {
        String name =
            "rid="
                + exchange.getRequestHeaders().getFirst("X-Request-Id")
                + " tp="
                + exchange.getRequestHeaders().getFirst("traceparent");
        json = CatalogMother.json(new CatalogMother.Product(CatalogMother.ECHO, name, 100, "EUR"));
      } else if (id.equals(CatalogMother.SLOW) || id.equals(CatalogMother.FLAKY)) {
        json = CatalogMother.json(CatalogMother.MUG).replace(CatalogMother.MUG.id(), id);
      } else {
        CatalogMother.Product p = CatalogMother.ALL.get(id);
        if (p == null) {
          continue;
        }
        json = CatalogMother.json(p);
      }
      items.append(n++ == 0 ? "" : ",").append(json);
    }
    send(
        exchange,
        200,
        "{\"items\":["
            + items
            + "],\"page\":0,\"size\":"
            + Math.max(1, n)
            + ",\"total\":"
            + n
            + "}");
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void stop() {
    if (server != null) {
      server.stop(0);
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
