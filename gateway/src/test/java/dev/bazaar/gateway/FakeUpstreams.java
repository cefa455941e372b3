package dev.bazaar.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Real HTTP upstreams for the gateway tests: one Vert.x server per upstream name on a random port,
 * plus the URL of a port nobody listens on. Every request is recorded twice: when its head arrives
 * ({@link Recorder#heads}) and when its body is complete ({@link Recorder#completed}).
 *
 * <p>The response is steered by request headers: {@code X-Fake-Status}, {@code X-Fake-Location},
 * {@code X-Fake-Problem} (answer a problem+json body); paths under {@code /api/v1/slow} answer
 * after {@value #SLOW_MILLIS} ms. The body echoes what arrived as JSON.
 *
 * <p>Paths under {@code /api/v1/versioned} and {@code /api/v1/micro} on catalog are versioned
 * resources, like the catalog's products: GET answers {@code {"path":..,"version":n}} with {@code
 * ETag: "v<n>"} and 304 to a matching {@code If-None-Match} ({@code X-Fake-Etag: none} leaves the
 * ETag out); any other method bumps the version (unless {@code X-Fake-Status} says otherwise), and
 * a test can bump it behind the gateway's back with {@link Recorder#bump}.
 */
public class FakeUpstreams implements QuarkusTestResourceLifecycleManager {

  static final String MARKER = "X-Test-Marker";
  static final long SLOW_MILLIS = 5_000;
  static final List<String> NAMES = List.of("users", "catalog", "orders", "notifications");
  static final List<String> OPENED_ROUTES =
      List.of("users-me", "orders", "notifications", "products-admin");

  private Vertx vertx;
  private final Recorder recorder = new Recorder();

  /** One request as the upstream saw it. */
  public record Seen(
      String upstream,
      String method,
      String uri,
      Map<String, List<String>> headers,
      long bodyLength,
      String bodySha256) {

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }

    public boolean hasHeader(String name) {
      return headers.containsKey(name.toLowerCase(Locale.ROOT));
    }
  }

  /** What the upstreams have seen; shared with the tests through {@code @InjectFakeUpstreams}. */
  public static final class Recorder {
    private final ConcurrentLinkedQueue<Seen> heads = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Seen> completed = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> versions = new java.util.concurrent.ConcurrentHashMap<>();

    /** Changes a versioned resource directly at the upstream, as another writer would. */
    public void bump(String path) {
      versions.merge(path, 1, Integer::sum);
    }

    int version(String path) {
      return versions.getOrDefault(path, 0) + 1;
    }

    /** Requests whose head reached an upstream, with the given marker header. */
    public List<Seen> heads(String marker) {
      return heads.stream().filter(s -> marker.equals(s.header(MARKER))).toList();
    }

    /** Requests an upstream received completely, with the given marker header. */
    public List<Seen> completed(String marker) {
      return completed.stream().filter(s -> marker.equals(s.header(MARKER))).toList();
    }

    /** The single complete request with the given marker. */
    public Seen only(String marker) {
      List<Seen> seen = completed(marker);
      if (seen.size() != 1) {
        throw new AssertionError("expected one request marked " + marker + " but saw " + seen);
      }
      return seen.get(0);
    }
  }

  @Override
  public Map<String, String> start() {
    vertx = Vertx.vertx();
    Map<String, String> config = new HashMap<>();
    for (String name : NAMES) {
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(request -> handle(name, request))
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .join();
      config.put("bazaar.gateway.upstream." + name, "http://127.0.0.1:" + server.actualPort());
    }
    config.put("bazaar.gateway.upstream.down", "http://127.0.0.1:" + closedPort());
    // Not faked: keep the tests away from whatever may listen on payments' default port.
    config.put("bazaar.gateway.upstream.payments", "http://127.0.0.1:" + closedPort());
    config.put("bazaar.gateway.routes.down.prefix", "/api/v1/down");
    config.put("bazaar.gateway.routes.down.upstream", "down");
    config.put("bazaar.gateway.routes.slow.prefix", "/api/v1/slow");
    config.put("bazaar.gateway.routes.slow.upstream", "users");
    config.put("bazaar.gateway.routes.slow.timeout", "500ms");
    // The proxy tests repeat identical GETs on /api/v1/products; caching is tested on its own
    // route.
    config.put("bazaar.gateway.routes.products.cache", "none");
    config.put("bazaar.gateway.routes.cached.prefix", "/api/v1/cached");
    config.put("bazaar.gateway.routes.cached.upstream", "catalog");
    config.put("bazaar.gateway.routes.cached.cache", "public");
    // Microcaching: served without asking the upstream for 5 s.
    config.put("bazaar.gateway.routes.cached.cache-ttl", "5s");
    // Versioned resources: always revalidated (the shipped TTL, 0) ...
    config.put("bazaar.gateway.routes.versioned.prefix", "/api/v1/versioned");
    config.put("bazaar.gateway.routes.versioned.upstream", "catalog");
    config.put("bazaar.gateway.routes.versioned.cache", "public");
    // ... and microcached for an hour, with writes on their own route, as products-admin.
    config.put("bazaar.gateway.routes.micro.prefix", "/api/v1/micro");
    config.put("bazaar.gateway.routes.micro.upstream", "catalog");
    config.put("bazaar.gateway.routes.micro.cache", "public");
    config.put("bazaar.gateway.routes.micro.cache-ttl", "1h");
    config.put("bazaar.gateway.routes.micro-writes.prefix", "/api/v1/micro");
    config.put("bazaar.gateway.routes.micro-writes.methods", "POST,PUT,PATCH,DELETE");
    config.put("bazaar.gateway.routes.micro-writes.upstream", "catalog");
    // Retries: two instances, the first of which refuses connections; health checks and ejection
    // are off so that every second attempt meets the dead one.
    String dead = "http://127.0.0.1:" + closedPort();
    for (String twin : List.of("twin-default", "twin-none", "twin-cached")) {
      config.put(
          "bazaar.gateway.upstreams." + twin + ".instances",
          dead + "," + config.get("bazaar.gateway.upstream.users"));
      config.put("bazaar.gateway.upstreams." + twin + ".health-check.enabled", "false");
      config.put("bazaar.gateway.upstreams." + twin + ".outlier.consecutive-failures", "100000");
    }
    config.put("bazaar.gateway.routes.retry-default.prefix", "/api/v1/retry-default");
    config.put("bazaar.gateway.routes.retry-default.upstream", "twin-default");
    config.put("bazaar.gateway.routes.retry-none.prefix", "/api/v1/retry-none");
    config.put("bazaar.gateway.routes.retry-none.upstream", "twin-none");
    config.put("bazaar.gateway.routes.retry-none.retry", "none");
    config.put("bazaar.gateway.routes.retry-cached.prefix", "/api/v1/retry-cached");
    config.put("bazaar.gateway.routes.retry-cached.upstream", "twin-cached");
    config.put("bazaar.gateway.routes.retry-cached.cache", "public");
    // Cache fetches count for the breaker: a small one that opens after 4 failures of 4.
    config.put("bazaar.gateway.upstream.fragile", config.get("bazaar.gateway.upstream.users"));
    config.put("bazaar.gateway.upstreams.fragile.breaker.window-size", "4");
    config.put("bazaar.gateway.upstreams.fragile.breaker.minimum-calls", "4");
    config.put("bazaar.gateway.upstreams.fragile.breaker.open-duration", "1h");
    config.put("bazaar.gateway.upstreams.fragile.retry.max-attempts", "1");
    config.put("bazaar.gateway.routes.fragile-cached.prefix", "/api/v1/fragile-cached");
    config.put("bazaar.gateway.routes.fragile-cached.upstream", "fragile");
    config.put("bazaar.gateway.routes.fragile-cached.cache", "public");
    config.put("bazaar.gateway.routes.fragile.prefix", "/api/v1/fragile");
    config.put("bazaar.gateway.routes.fragile.upstream", "fragile");
    // Method routing: reads and writes of one prefix to different upstreams.
    config.put("bazaar.gateway.routes.split-read.prefix", "/api/v1/split");
    config.put("bazaar.gateway.routes.split-read.methods", "GET,HEAD");
    config.put("bazaar.gateway.routes.split-read.upstream", "users");
    config.put("bazaar.gateway.routes.split-write.prefix", "/api/v1/split");
    config.put("bazaar.gateway.routes.split-write.methods", "POST");
    config.put("bazaar.gateway.routes.split-write.upstream", "orders");
    // These tests are about proxying: open the protected routes and lift the rate limits, which
    // have their own tests (SecuredUpstreams).
    for (String route : OPENED_ROUTES) {
      config.put("bazaar.gateway.routes." + route + ".auth", "public");
    }
    config.put("bazaar.gateway.default-rate-limit", "none");
    config.put("bazaar.gateway.routes.auth-token.rate-limit", "none");
    config.put("bazaar.gateway.routes.users-register.rate-limit", "none");
    config.put("bazaar.gateway.jwks-url", "http://127.0.0.1:" + closedPort() + "/jwks");
    // No issuer here to mint an admin token: metrics are open for these tests (SecuredUpstreams
    // restores the shipped admin-only default, which SecurityEdgeTest attacks).
    config.put("bazaar.gateway.security.management-auth", "public");
    return config;
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        recorder,
        new TestInjector.AnnotatedAndMatchesType(InjectFakeUpstreams.class, Recorder.class));
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

  private void handle(String name, HttpServerRequest request) {
    if (request.path().equals("/q/openapi")) {
      serveOpenApi(name, request);
      return;
    }
    Map<String, List<String>> headers = copy(request.headers());
    recorder.heads.add(new Seen(name, request.method().name(), request.uri(), headers, -1, null));
    request
        .body()
        .onSuccess(
            body -> {
              byte[] bytes = body.getBytes();
              Seen seen =
                  new Seen(
                      name,
                      request.method().name(),
                      request.uri(),
                      headers,
                      bytes.length,
                      sha256(bytes));
              recorder.completed.add(seen);
              if (name.equals("catalog") && versioned(request.path())) {
                respondVersioned(request);
              } else if (request.path().startsWith("/api/v1/slow")) {
                vertx.setTimer(SLOW_MILLIS, id -> respond(name, request, seen));
              } else {
                respond(name, request, seen);
              }
            });
  }

  private static void respond(String name, HttpServerRequest request, Seen seen) {
    var response = request.response();
    if (response.closed()) {
      return;
    }
    response.putHeader("X-Upstream", name);
    // Hop-by-hop headers the gateway must not pass on to its client.
    response.putHeader("Keep-Alive", "timeout=5");
    response.putHeader("Proxy-Authenticate", "Basic realm=\"upstream\"");
    response.putHeader("Connection", "X-Upstream-Secret");
    response.putHeader("X-Upstream-Secret", "only-for-the-next-hop");
    String status = request.getHeader("X-Fake-Status");
    response.setStatusCode(status == null ? 200 : Integer.parseInt(status));
    String location = request.getHeader("X-Fake-Location");
    if (location != null) {
      response.putHeader("Location", location);
    }
    if (request.getHeader("X-Fake-Problem") != null) {
      response.putHeader("Content-Type", "application/problem+json");
      response.end(
          new JsonObject()
              .put("type", "https://bazaar.dev/problems/conflict")
              .put("title", "Conflict")
              .put("status", response.getStatusCode())
              .put("detail", "upstream " + name + " says no")
              .encode());
      return;
    }
    response.putHeader("Content-Type", "application/json");
    response.end(
        new JsonObject()
            .put("upstream", name)
            .put("method", seen.method())
            .put("uri", seen.uri())
            .put("bodyLength", seen.bodyLength())
            .put("bodySha256", seen.bodySha256())
            .encode());
  }

  private static boolean versioned(String path) {
    return path.startsWith("/api/v1/versioned/") || path.startsWith("/api/v1/micro/");
  }

  private void respondVersioned(HttpServerRequest request) {
    var response = request.response();
    String path = request.path();
    if (!request.method().name().equals("GET") && !request.method().name().equals("HEAD")) {
      String status = request.getHeader("X-Fake-Status");
      int code = status == null ? 200 : Integer.parseInt(status);
      if (code >= 200 && code < 300) {
        recorder.bump(path);
      }
      response.setStatusCode(code).end();
      return;
    }
    int version = recorder.version(path);
    String etag = "\"v" + version + "\"";
    boolean withEtag = !"none".equals(request.getHeader("X-Fake-Etag"));
    if (withEtag) {
      response.putHeader("ETag", etag);
      if (etag.equals(request.getHeader("If-None-Match"))) {
        response.setStatusCode(304).end();
        return;
      }
    }
    response.putHeader("Content-Type", "application/json");
    response.end(new JsonObject().put("path", path).put("version", version).encode());
  }

  /** users and catalog document themselves; both define an {@code Error} schema, differently. */
  private static void serveOpenApi(String name, HttpServerRequest request) {
    String doc =
        switch (name) {
          case "users" ->
              """
              {"openapi":"3.1.0","info":{"title":"users","version":"1"},
               "paths":{"/api/v1/users/me":{"get":{"tags":["users"],"responses":{"401":
                 {"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}},
                "/q/internal":{"get":{}}},
               "tags":[{"name":"users"}],
               "components":{"schemas":{"Error":{"type":"object","properties":{"code":{"type":"string"}}}}}}
              """;
          case "catalog" ->
              """
              {"openapi":"3.1.0","info":{"title":"catalog","version":"1"},
               "paths":{"/api/v1/products":{"get":{"tags":["products"],"responses":{"200":
                 {"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Product"}}}},
                 "404":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}}},
               "components":{"schemas":{
                 "Error":{"type":"object","properties":{"message":{"type":"string"}}},
                 "Product":{"type":"object","properties":{"error":{"$ref":"#/components/schemas/Error"}}}}}}
              """;
          default -> null;
        };
    if (doc == null) {
      request.response().setStatusCode(404).end();
    } else {
      request.response().putHeader("Content-Type", "application/json").end(doc);
    }
  }

  private static Map<String, List<String>> copy(MultiMap headers) {
    Map<String, List<String>> copy = new HashMap<>();
    for (Map.Entry<String, String> h : headers) {
      copy.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(h.getValue());
    }
    return copy;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
