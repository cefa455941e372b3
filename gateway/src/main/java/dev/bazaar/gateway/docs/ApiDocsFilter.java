package dev.bazaar.gateway.docs;

import dev.bazaar.gateway.fetch.Responses;
import dev.bazaar.gateway.fetch.UpstreamFetcher;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.route.RouteTable;
import dev.bazaar.gateway.upstream.Upstreams;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves {@code /api/docs}: the services' OpenAPI documents merged ({@code
 * /api/docs/openapi.json}), the AsyncAPI document of the messages ({@code /api/docs/asyncapi.json},
 * see {@link AsyncApi}) and Swagger UI over the former ({@code /api/docs}, assets under {@code
 * /api/docs/ui/}, from the {@code org.webjars:swagger-ui} jar). Each upstream's document is fetched
 * on demand and the merge is kept for {@code bazaar.gateway.docs.refresh}; a service that is down
 * is listed as unavailable in {@code x-bazaar-sources} and its paths are missing until the next
 * refresh.
 */
@Singleton
public class ApiDocsFilter implements GatewayFilter {

  /** Before routing: {@code /api/docs} belongs to the gateway, not to a service. */
  public static final int ORDER_DOCS = 150;

  static final String ROOT = "/api/docs";
  private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

  /** Made once: it depends only on the contract modules on the class path. */
  private static final Buffer ASYNCAPI = AsyncApi.document().toBuffer();

  private final DocsConfig config;
  private final Upstreams upstreams;
  private final RouteTable routes;
  private final UpstreamFetcher fetcher;
  private final Vertx vertx;
  private final String swaggerVersion;
  private final Map<String, Buffer> assets = new ConcurrentHashMap<>();

  private volatile Future<JsonObject> merged;
  private volatile long mergedAtNanos;

  public ApiDocsFilter(
      DocsConfig config,
      Upstreams upstreams,
      RouteTable routes,
      UpstreamFetcher fetcher,
      Vertx vertx) {
    this.config = config;
    this.upstreams = upstreams;
    this.routes = routes;
    this.fetcher = fetcher;
    this.vertx = vertx;
    this.swaggerVersion = swaggerUiVersion();
  }

  @Override
  public int order() {
    return ORDER_DOCS;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    String path = exchange.path();
    if (!config.enabled() || !(path.equals(ROOT) || path.startsWith(ROOT + "/"))) {
      chain.proceed(exchange);
      return;
    }
    HttpMethod method = exchange.request().method();
    if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
      exchange.reject(
          Problem.of(ProblemType.METHOD_NOT_ALLOWED, "The API documentation is read-only.")
              .withHeader("Allow", "GET, HEAD"));
      return;
    }
    if (path.equals(ROOT) || path.equals(ROOT + "/")) {
      send(exchange, "text/html; charset=utf-8", Buffer.buffer(indexHtml()));
    } else if (path.equals(ROOT + "/openapi.json")) {
      document()
          .onSuccess(doc -> send(exchange, "application/json", doc.toBuffer()))
          .onFailure(
              e ->
                  exchange.reject(
                      Problem.of(
                          ProblemType.INTERNAL_ERROR, "The API documents could not be merged.")));
    } else if (path.equals(ROOT + "/asyncapi.json")) {
      send(exchange, "application/json", ASYNCAPI);
    } else if (path.startsWith(ROOT + "/ui/")
        && ASSET.matcher(path.substring(ROOT.length() + 4)).matches()
        && swaggerVersion != null) {
      String file = path.substring(ROOT.length() + 4);
      asset(file)
          .onSuccess(
              body -> {
                if (body == null) {
                  notFound(exchange);
                } else {
                  send(exchange, contentType(file), body);
                }
              })
          .onFailure(e -> notFound(exchange));
    } else {
      notFound(exchange);
    }
  }

  /** The merged document, refetched once it is older than the refresh interval. */
  Future<JsonObject> document() {
    Future<JsonObject> current = merged;
    if (current == null
        || (current.isComplete()
            && System.nanoTime() - mergedAtNanos > config.refresh().toNanos())) {
      synchronized (this) {
        if (merged == current) {
          mergedAtNanos = System.nanoTime();
          merged = current = fetchAndMerge();
        } else {
          current = merged;
        }
      }
    }
    return current;
  }

  private Future<JsonObject> fetchAndMerge() {
    List<String> names = new ArrayList<>();
    List<Future<JsonObject>> documents = new ArrayList<>();
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.ACCEPT, "application/json");
    for (String name : config.services()) {
      if (!upstreams.contains(name)) {
        continue;
      }
      names.add(name);
      documents.add(
          fetcher
              .get(upstreams.get(name), config.documentPath(), headers, config.timeout())
              .map(
                  fetched -> {
                    if (fetched.status() != 200) {
                      throw new IllegalStateException("answered " + fetched.status());
                    }
                    JsonObject doc = fetched.body().toJsonObject();
                    if (!doc.containsKey("openapi")
                        || !(doc.getValue("paths") instanceof JsonObject)) {
                      throw new IllegalStateException("not an OpenAPI 3 document");
                    }
                    return doc;
                  }));
    }
    return Future.join(documents)
        .transform(
            done -> {
              OpenApiMerger merger = new OpenApiMerger("Bazaar API", routes::covers);
              for (int i = 0; i < names.size(); i++) {
                Future<JsonObject> doc = documents.get(i);
                if (doc.succeeded()) {
                  merger.add(names.get(i), doc.result());
                } else {
                  merger.unavailable(names.get(i), String.valueOf(doc.cause().getMessage()));
                }
              }
              return Future.succeededFuture(merger.result());
            });
  }

  private Future<Buffer> asset(String file) {
    Buffer cached = assets.get(file);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    Promise<Buffer> promise = Promise.promise();
    vertx
        .executeBlocking(
            () -> {
              try (InputStream in =
                  Thread.currentThread()
                      .getContextClassLoader()
                      .getResourceAsStream(WEBJAR + swaggerVersion + "/" + file)) {
                if (in == null) {
                  return null;
                }
                Buffer body = Buffer.buffer(in.readAllBytes());
                assets.put(file, body);
                return body;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            false)
        .onComplete(promise);
    return promise.future();
  }

  private static void send(Exchange exchange, String contentType, Buffer body) {
    Responses.send(
        exchange,
        200,
        MultiMap.caseInsensitiveMultiMap()
            .add(HttpHeaders.CONTENT_TYPE, contentType)
            .add(HttpHeaders.CACHE_CONTROL, "no-cache"),
        body);
  }

  private static void notFound(Exchange exchange) {
    exchange.reject(
        Problem.of(ProblemType.NOT_FOUND, "No API documentation at " + exchange.path() + "."));
  }

  private String indexHtml() {
    if (swaggerVersion == null) {
      return FALLBACK_HTML;
    }
    return """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Bazaar API</title>
          <link rel="stylesheet" href="/api/docs/ui/swagger-ui.css">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="/api/docs/ui/swagger-ui-bundle.js"></script>
          <script>
            window.ui = SwaggerUIBundle({url: "/api/docs/openapi.json", dom_id: "#swagger-ui",
              deepLinking: true});
          </script>
        </body>
        </html>
        """;
  }

  /** Lists the merged paths when the Swagger UI jar is missing from the class path. */
  private static final String FALLBACK_HTML =
      """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>Bazaar API</title></head>
      <body><h1>Bazaar API</h1><ul id="paths"></ul>
      <script>
        fetch("/api/docs/openapi.json").then(r => r.json()).then(doc => {
          for (const [path, ops] of Object.entries(doc.paths)) {
            for (const method of Object.keys(ops)) {
              const li = document.createElement("li");
              li.textContent = method.toUpperCase() + " " + path;
              document.getElementById("paths").appendChild(li);
            }
          }
        });
      </script></body></html>
      """;

  private static String contentType(String file) {
    if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (file.endsWith(".png")) {
      return "image/png";
    }
    if (file.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    return "application/octet-stream";
  }

  private static String swaggerUiVersion() {
    try (InputStream in =
        ApiDocsFilter.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        return null;
      }
      Properties properties = new Properties();
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      return properties.getProperty("version");
    } catch (IOException e) {
      return null;
    }
  }
}
