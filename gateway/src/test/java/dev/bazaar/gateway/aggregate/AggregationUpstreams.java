package dev.bazaar.gateway.aggregate;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fake orders, catalog and payments for the order-details aggregation. Orders knows order {@code
 * o-1} (two lines, products {@code p-1} and {@code p-broken}) and answers 404 for anything else,
 * and 401 without {@code Authorization}; catalog answers 500 for {@code p-broken}. By default the
 * order details' payments upstream is not configured; {@link CatalogDown} configures it and points
 * catalog at a closed port.
 */
public class AggregationUpstreams implements QuarkusTestResourceLifecycleManager {

  private Vertx vertx;

  /** Catalog unreachable, payments present. */
  public static class CatalogDown extends AggregationUpstreams {
    @Override
    boolean catalogDown() {
      return true;
    }
  }

  boolean catalogDown() {
    return false;
  }

  @Override
  public Map<String, String> start() {
    vertx = Vertx.vertx();
    Map<String, String> config = new HashMap<>();
    config.put("bazaar.gateway.upstream.orders", "http://127.0.0.1:" + listen(this::orders));
    config.put(
        "bazaar.gateway.upstream.catalog",
        "http://127.0.0.1:" + (catalogDown() ? closedPort() : listen(this::catalog)));
    if (catalogDown()) {
      config.put("bazaar.gateway.upstream.payments", "http://127.0.0.1:" + listen(this::payments));
    } else {
      // The default configuration has a payments upstream; point the part at one that is not.
      config.put("bazaar.gateway.aggregate.order-details.payments-upstream", "unconfigured");
    }
    // Aggregation is tested here, not identity or limits: the fake orders service judges the
    // bearer token itself, as the real one does.
    config.put("bazaar.gateway.routes.orders.auth", "public");
    config.put("bazaar.gateway.default-rate-limit", "none");
    return config;
  }

  @Override
  public void stop() {
    if (vertx != null) {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .orTimeout(10, TimeUnit.SECONDS)
          .join();
    }
  }

  private void orders(HttpServerRequest request) {
    var response = request.response().putHeader("Content-Type", "application/json");
    if (request.getHeader("Authorization") == null) {
      response.setStatusCode(401).end("{\"status\":401}");
      return;
    }
    if (!request.path().equals("/api/v1/orders/o-1")) {
      response
          .setStatusCode(404)
          .putHeader("Content-Type", "application/problem+json")
          .end("{\"type\":\"https://bazaar.dev/problems/not-found\",\"status\":404}");
      return;
    }
    response.end(
        new JsonObject()
            .put("id", "o-1")
            .put("status", "PENDING")
            .put("owner", request.getHeader("Authorization"))
            .put(
                "items",
                new JsonArray()
                    .add(new JsonObject().put("productId", "p-1").put("quantity", 2))
                    .add(new JsonObject().put("productId", "p-broken").put("quantity", 1)))
            .encode());
  }

  private void catalog(HttpServerRequest request) {
    var response = request.response().putHeader("Content-Type", "application/json");
    if (request.path().equals("/api/v1/products/p-broken")) {
      response.setStatusCode(500).end("{}");
      return;
    }
    String id = request.path().substring("/api/v1/products/".length());
    response.end(new JsonObject().put("id", id).put("name", "Product " + id).encode());
  }

  /** As payments answers: {@code {"items": [PaymentView]}}. */
  private void payments(HttpServerRequest request) {
    JsonObject payment =
        new JsonObject()
            .put("id", "pay-1")
            .put("orderId", request.getParam("orderId"))
            .put("amount", new JsonObject().put("amount", 3750).put("currency", "EUR"))
            .put("status", "AUTHORIZED");
    request
        .response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("items", new JsonArray().add(payment)).encode());
  }

  private int listen(io.vertx.core.Handler<HttpServerRequest> handler) {
    return vertx
        .createHttpServer()
        .requestHandler(handler)
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .join()
        .actualPort();
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
