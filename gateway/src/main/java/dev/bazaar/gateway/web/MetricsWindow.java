package dev.bazaar.gateway.web;

import dev.bazaar.gateway.upstream.BalancedUpstream;
import dev.bazaar.gateway.upstream.Upstream;
import dev.bazaar.gateway.upstream.UpstreamInstance;
import dev.bazaar.gateway.upstream.Upstreams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The console's plots: every {@code bazaar.gateway.web.metrics-interval} the gateway reads its own
 * meters and scrapes {@code /q/metrics} of every upstream instance, turns counters into rates and
 * histograms into percentiles for that interval, and keeps the last {@code
 * bazaar.gateway.web.metrics-window} of points in memory. Nothing is stored anywhere else: a
 * restarted gateway starts with an empty window. The scrape also gives each instance's uptime and
 * build version for the topology.
 */
@Singleton
public class MetricsWindow {

  /** What the last scrape of one instance said. */
  public record InstanceMetrics(
      String upstream,
      String url,
      Double uptimeSeconds,
      String version,
      Instant at,
      String error) {}

  private record Point(long epochMillis, Map<String, Double> values) {}

  private final WebConfig config;
  private final Upstreams upstreams;
  private final MeterRegistry registry;
  private final Vertx vertx;
  private final HttpClient client;
  private final ArrayDeque<Point> points = new ArrayDeque<>();
  private final Map<String, InstanceMetrics> instances = new ConcurrentHashMap<>();
  private final Map<String, Double> previous = new HashMap<>();
  private final Map<String, long[]> previousBuckets = new HashMap<>();
  private long previousNanos;
  private long timer = -1;

  public MetricsWindow(WebConfig config, Upstreams upstreams, MeterRegistry registry, Vertx vertx) {
    this.config = config;
    this.upstreams = upstreams;
    this.registry = registry;
    this.vertx = vertx;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setName("bazaar-gateway-scrape").setKeepAlive(true));
  }

  void start(@Observes StartupEvent event) {
    if (!config.enabled()) {
      return;
    }
    timer = vertx.setPeriodic(config.metricsInterval().toMillis(), id -> sample());
  }

  void stop(@Observes ShutdownEvent event) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    client.close();
  }

  /** The last scrape of every instance, by base URL. */
  public Map<String, InstanceMetrics> instances() {
    return Map.copyOf(instances);
  }

  /** Every series of the window: {@code {intervalSeconds, series: {name: [[t, v], ...]}}}. */
  public synchronized JsonObject toJson() {
    Map<String, JsonArray> series = new TreeMap<>();
    for (Point p : points) {
      p.values()
          .forEach(
              (name, v) ->
                  series
                      .computeIfAbsent(name, n -> new JsonArray())
                      .add(new JsonArray().add(p.epochMillis()).add(v)));
    }
    JsonObject out = new JsonObject();
    series.forEach(out::put);
    return new JsonObject()
        .put("intervalSeconds", config.metricsInterval().toSeconds())
        .put("windowSeconds", config.metricsWindow().toSeconds())
        .put("series", out);
  }

  /** One round: scrape every instance, then fold everything into one point. */
  void sample() {
    List<Future<Scrape>> scrapes = new ArrayList<>();
    for (Upstream u : upstreams.all()) {
      if (u instanceof BalancedUpstream b) {
        for (UpstreamInstance i : b.instances()) {
          scrapes.add(scrape(b.name(), i));
        }
      }
    }
    Future.join(scrapes)
        .onComplete(
            done -> {
              List<Scrape> ok = new ArrayList<>();
              for (Future<Scrape> f : scrapes) {
                if (f.succeeded() && f.result().samples() != null) {
                  ok.add(f.result());
                }
              }
              fold(ok);
            });
  }

  private record Scrape(String upstream, String url, List<PrometheusText.Sample> samples) {}

  private Future<Scrape> scrape(String upstream, UpstreamInstance instance) {
    var e = instance.endpoint();
    String url = e.toString();
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(e.host())
                .setPort(e.port())
                .setSsl(e.ssl())
                .setURI(e.target("/q/metrics", null))
                .setTimeout(2_000))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200 ? b.toString() : null))
        .map(
            text -> {
              if (text == null) {
                instances.put(
                    url,
                    new InstanceMetrics(upstream, url, null, null, Instant.now(), "no metrics"));
                return new Scrape(upstream, url, null);
              }
              List<PrometheusText.Sample> samples = PrometheusText.parse(text);
              Double uptime = null;
              String version = null;
              for (PrometheusText.Sample s : samples) {
                if (s.name().equals("process_uptime_seconds")) {
                  uptime = s.value();
                } else if (s.name().equals("bazaar_build_info")) {
                  version = s.label("version");
                }
              }
              instances.put(
                  url, new InstanceMetrics(upstream, url, uptime, version, Instant.now(), null));
              return new Scrape(upstream, url, samples);
            })
        .recover(
            failure -> {
              instances.put(
                  url,
                  new InstanceMetrics(
                      upstream, url, null, null, Instant.now(), failure.getMessage()));
              return Future.succeededFuture(new Scrape(upstream, url, null));
            });
  }

  synchronized void fold(List<Scrape> scrapes) {
    long now = System.nanoTime();
    double seconds = previousNanos == 0 ? 0 : (now - previousNanos) / 1e9;
    previousNanos = now;
    Map<String, Double> cumulative = new HashMap<>();
    Map<String, Double> gauges = new TreeMap<>();

    // The gateway's own meters: requests by route and status class, latency histograms.
    for (Counter c : registry.find("bazaar_gateway_requests").counters()) {
      String route = c.getId().getTag("route");
      String status = c.getId().getTag("status");
      cumulative.merge("gateway.requests." + route, c.count(), Double::sum);
      if ("5xx".equals(status)) {
        cumulative.merge("gateway.5xx." + route, c.count(), Double::sum);
        cumulative.merge("gateway.5xx", c.count(), Double::sum);
      }
      cumulative.merge("gateway.all", c.count(), Double::sum);
    }
    Map<String, Double> p99 = new TreeMap<>();
    for (Timer t : registry.find("bazaar_gateway_request_duration").timers()) {
      String route = t.getId().getTag("route");
      CountAtBucket[] buckets = t.takeSnapshot().histogramCounts();
      Double q = percentileSince(route, buckets, 0.99);
      if (q != null) {
        p99.put(route, q);
      }
    }

    // The services: 5xx share of their requests; orders: outcomes and time to final.
    Map<String, Double> ordersFinished = new HashMap<>();
    for (Scrape s : scrapes) {
      Map<String, Double> perInstance = new HashMap<>();
      for (PrometheusText.Sample x : s.samples()) {
        switch (x.name()) {
          case "http_server_requests_seconds_count" -> {
            if (x.label("uri").startsWith("/q/")) {
              break;
            }
            cumulative.merge("service.requests." + s.upstream(), x.value(), Double::sum);
            if (x.label("status").startsWith("5")) {
              cumulative.merge("service.5xx." + s.upstream(), x.value(), Double::sum);
            }
          }
          case "bazaar_orders_finished_total" ->
              perInstance.merge(x.label("outcome"), x.value(), Double::sum);
          case "bazaar_orders_time_to_final_seconds" -> {
            if ("confirmed".equals(x.label("outcome"))) {
              String q = x.label("quantile");
              String key =
                  q.equals("0.5")
                      ? "orders.time_to_confirmed.p50_ms"
                      : "orders.time_to_confirmed.p99_ms";
              if (q.equals("0.5") || q.equals("0.99")) {
                gauges.merge(key, x.value() * 1000, Math::max);
              }
            }
          }
          default -> {}
        }
      }
      // Every orders instance counts every order (see OrderOutcomeMetrics): the largest wins.
      perInstance.forEach((outcome, v) -> ordersFinished.merge(outcome, v, Math::max));
    }
    ordersFinished.forEach((outcome, v) -> cumulative.put("orders." + outcome, v));

    Map<String, Double> values = new TreeMap<>(gauges);
    if (seconds > 0) {
      Map<String, Double> rates = new HashMap<>();
      cumulative.forEach(
          (key, v) -> {
            Double before = previous.get(key);
            double delta = before == null ? v : v < before ? v : v - before;
            rates.put(key, delta / seconds);
          });
      rates.forEach(
          (key, r) -> {
            if (key.startsWith("gateway.requests.")) {
              values.put("gateway.rps." + key.substring("gateway.requests.".length()), r);
            } else if (key.startsWith("orders.")) {
              values.put(key + ".per_s", r);
            }
          });
      ratio(values, rates, "gateway.5xx", "gateway.all", "errors.gateway_5xx_ratio");
      for (String key : new TreeSet<>(rates.keySet())) {
        if (key.startsWith("service.requests.")) {
          String svc = key.substring("service.requests.".length());
          ratio(values, rates, "service.5xx." + svc, key, "errors." + svc + "_5xx_ratio");
        }
      }
      p99.forEach((route, ms) -> values.put("gateway.p99_ms." + route, ms));
      long epoch = System.currentTimeMillis();
      points.addLast(new Point(epoch, values));
      long keep = config.metricsWindow().toMillis();
      while (!points.isEmpty() && points.peekFirst().epochMillis() < epoch - keep) {
        points.removeFirst();
      }
    }
    previous.clear();
    previous.putAll(cumulative);
  }

  private static void ratio(
      Map<String, Double> values, Map<String, Double> rates, String part, String all, String key) {
    double total = rates.getOrDefault(all, 0.0);
    values.put(key, total <= 0 ? 0.0 : rates.getOrDefault(part, 0.0) / total);
  }

  /**
   * The {@code quantile} of the requests that arrived since the last call, in milliseconds, from
   * the differences of the cumulative bucket counts; null when none arrived.
   */
  private Double percentileSince(String route, CountAtBucket[] buckets, double quantile) {
    long[] now = new long[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      now[i] = (long) buckets[i].count();
    }
    long[] before = previousBuckets.put(route, now);
    if (before == null || before.length != now.length || now.length == 0) {
      return null;
    }
    long total = now[now.length - 1] - before[before.length - 1];
    if (total <= 0) {
      return null;
    }
    double wanted = quantile * total;
    for (int i = 0; i < now.length; i++) {
      if (now[i] - before[i] >= wanted) {
        return buckets[i].bucket(TimeUnit.MILLISECONDS);
      }
    }
    return buckets[buckets.length - 1].bucket(TimeUnit.MILLISECONDS);
  }
}
