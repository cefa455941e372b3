package dev.bazaar.gateway.upstream;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Active health checks: every {@code interval} each instance of an upstream gets {@code GET <path>}
 * (on the instance's root, not its base path); a 2xx within the timeout passes. Runs on a Vert.x
 * timer with the non-blocking client, one request per instance per round.
 */
public final class HealthChecker implements AutoCloseable {

  private final Vertx vertx;
  private final HttpClient client;
  private final Clock clock;
  private final List<Long> timers = new ArrayList<>();

  public HealthChecker(Vertx vertx, HttpClient client, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.clock = clock;
  }

  /** Starts checking the instances of {@code upstream} (whatever they are at each round). */
  public synchronized void watch(BalancedUpstream upstream) {
    UpstreamPolicy.HealthCheck check = upstream.policy().healthCheck();
    if (!check.enabled()) {
      return;
    }
    timers.add(
        vertx.setPeriodic(
            check.interval().toMillis(),
            id -> upstream.instances().forEach(instance -> probe(instance, check))));
  }

  void probe(UpstreamInstance instance, UpstreamPolicy.HealthCheck check) {
    UpstreamEndpoint endpoint = instance.endpoint();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(endpoint.host())
            .setPort(endpoint.port())
            .setSsl(endpoint.ssl())
            .setURI(check.path())
            .setTimeout(check.timeout().toMillis());
    client
        .request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .onComplete(
            ar ->
                instance.recordHealth(
                    ar.succeeded() && ar.result() >= 200 && ar.result() < 300, clock.instant()));
  }

  @Override
  public synchronized void close() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
  }
}
