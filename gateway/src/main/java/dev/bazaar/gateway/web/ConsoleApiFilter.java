package dev.bazaar.gateway.web;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.fetch.Responses;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.upstream.UpstreamStates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's own operations endpoints, admin only through the {@code admin-gateway} route:
 * {@code GET /api/v1/admin/gateway/topology} (every process the launcher supervises with pid, port,
 * state, restarts, uptime and version; every upstream with its breaker, instances, ejections and
 * in-flight requests; rate-limit rejections by route) and {@code GET /api/v1/admin/gateway/metrics}
 * (the last 15 minutes of {@link MetricsWindow}). Documented in docs/storefront.md and in the
 * gateway's OpenAPI fragment {@code /api/v1/admin/gateway/openapi}.
 */
@Singleton
public class ConsoleApiFilter implements GatewayFilter {

  /** After identity and rate limiting (the route demands the admin role), before forwarding. */
  public static final int ORDER = SessionFilter.ORDER + 10;

  static final String ROOT = "/api/v1/admin/gateway";

  private final WebConfig config;
  private final GatewayConfig gateway;
  private final UpstreamStates states;
  private final MetricsWindow metrics;
  private final MeterRegistry registry;
  private final Vertx vertx;
  private final String version;

  public ConsoleApiFilter(
      WebConfig config,
      GatewayConfig gateway,
      UpstreamStates states,
      MetricsWindow metrics,
      MeterRegistry registry,
      Vertx vertx,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
          String version) {
    this.config = config;
    this.gateway = gateway;
    this.states = states;
    this.metrics = metrics;
    this.registry = registry;
    this.vertx = vertx;
    this.version = version;
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    String path = exchange.path();
    if (!(path.equals(ROOT) || path.startsWith(ROOT + "/"))) {
      chain.proceed(exchange);
      return;
    }
    if (!exchange.request().method().equals(HttpMethod.GET)) {
      exchange.reject(
          Problem.of(ProblemType.METHOD_NOT_ALLOWED, "The gateway's admin views are read-only.")
              .withHeader("Allow", "GET"));
      return;
    }
    switch (path.substring(ROOT.length())) {
      case "/topology" ->
          topology()
              .onSuccess(body -> json(exchange, body))
              .onFailure(
                  e ->
                      exchange.reject(
                          Problem.of(
                              ProblemType.INTERNAL_ERROR, "The topology could not be read.")));
      case "/metrics" -> json(exchange, metrics.toJson());
      case "/openapi" -> json(exchange, OpenApiFragment.document());
      default ->
          exchange.reject(
              Problem.of(ProblemType.NOT_FOUND, "No gateway admin view at " + path + "."));
    }
  }

  Future<JsonObject> topology() {
    JsonObject out =
        new JsonObject()
            .put("asOf", Instant.now().toString())
            .put("traceUi", config.traceUiUrl().filter(u -> !u.isBlank()).orElse(null))
            .put(
                "gateway",
                new JsonObject()
                    .put("pid", ProcessHandle.current().pid())
                    .put("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
                    .put("version", version));
    JsonArray upstreams = new JsonArray();
    Map<String, MetricsWindow.InstanceMetrics> scraped = metrics.instances();
    for (UpstreamStates.UpstreamState u : states.snapshot()) {
      JsonArray instances = new JsonArray();
      for (UpstreamStates.InstanceState i : u.instances()) {
        MetricsWindow.InstanceMetrics m = scraped.get(i.url());
        instances.add(
            new JsonObject()
                .put("url", i.url())
                .put("port", URI.create(i.url()).getPort())
                .put("healthy", i.healthy())
                .put("ejected", i.ejected())
                .put("ejections", i.ejections())
                .put("inFlight", i.outstanding())
                .put("weight", i.weight())
                .put("uptimeSeconds", m == null ? null : m.uptimeSeconds())
                .put("version", m == null ? null : m.version())
                .put("scrapeError", m == null ? null : m.error()));
      }
      upstreams.add(
          new JsonObject()
              .put("name", u.name())
              .put("discovery", u.discovery())
              .put("lb", u.lb())
              .put("breaker", u.breaker().name())
              .put("breakerOpened", u.breakerOpenedTotal())
              .put("retryTokens", u.retryTokens())
              .put("instances", instances));
    }
    out.put("upstreams", upstreams);
    JsonObject rejections = new JsonObject();
    for (Counter c : registry.find("bazaar_gateway_ratelimit_rejections").counters()) {
      rejections.put(c.getId().getTag("route"), (long) c.count());
    }
    out.put("rateLimitRejections", rejections);
    Optional<Path> state =
        config
            .launcherState()
            .or(() -> gateway.registryFile().map(f -> f.resolveSibling("launcher.json")));
    if (state.isEmpty()) {
      return Future.succeededFuture(out.put("processes", new JsonArray()));
    }
    return vertx
        .fileSystem()
        .readFile(state.get().toString())
        .map(
            buffer -> {
              JsonObject launcher = buffer.toJsonObject();
              JsonArray processes = new JsonArray();
              for (Object o : launcher.getJsonArray("instances", new JsonArray())) {
                JsonObject p = ((JsonObject) o).copy();
                MetricsWindow.InstanceMetrics m =
                    scraped.get("http://127.0.0.1:" + p.getInteger("port"));
                p.put("uptimeSeconds", m == null ? null : m.uptimeSeconds());
                p.put("version", m == null ? null : m.version());
                processes.add(p);
              }
              return out.put("processes", processes)
                  .put("launcherStartedAt", launcher.getString("startedAt"));
            })
        .recover(e -> Future.succeededFuture(out.put("processes", new JsonArray())));
  }

  private static void json(Exchange exchange, JsonObject body) {
    Responses.send(
        exchange,
        200,
        MultiMap.caseInsensitiveMultiMap()
            .add(HttpHeaders.CONTENT_TYPE, "application/json")
            .add(HttpHeaders.CACHE_CONTROL, "no-store"),
        body.toBuffer());
  }
}
