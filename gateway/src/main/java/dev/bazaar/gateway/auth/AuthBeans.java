package dev.bazaar.gateway.auth;

import dev.bazaar.gateway.config.GatewayConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Wires the plain-Java verifier to Vert.x: the JWKS is fetched with a non-blocking {@link
 * HttpClient}: at start-up, on an unknown {@code kid}, and on a schedule that honours the JWKS'
 * {@code Cache-Control} (at most {@code bazaar.gateway.jwt.jwks-refresh-max-interval} apart), so
 * that a key users retires stops working here within that bound.
 */
@Singleton
public class AuthBeans {

  private final Vertx vertx;
  private HttpClient client;
  private volatile boolean closed;

  public AuthBeans(Vertx vertx) {
    this.vertx = vertx;
  }

  @Produces
  @Singleton
  JwksKeys jwksKeys(GatewayConfig config, Clock clock) {
    URI url = config.jwksUrl();
    String scheme = url.getScheme();
    if (url.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
      throw new IllegalArgumentException(
          "bazaar.gateway.jwks-url must be an http or https URL, but was '" + url + "'");
    }
    GatewayConfig.JwtConfig jwt = config.jwt();
    int timeoutMillis = (int) jwt.jwksTimeout().toMillis();
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout(timeoutMillis)
                .setName("bazaar-gateway-jwks"));
    return JwksKeys.withDocuments(
        () -> fetch(url, timeoutMillis), clock, jwt.jwksRefreshMinInterval());
  }

  @Produces
  @Singleton
  JwtVerifier jwtVerifier(GatewayConfig config, JwksKeys keys, Clock clock) {
    GatewayConfig.JwtConfig jwt = config.jwt();
    return new JwtVerifier(
        keys,
        clock,
        jwt.issuer(),
        jwt.audience(),
        jwt.clockSkew(),
        jwt.cacheSize(),
        java.util.Set.copyOf(jwt.acceptedTypes()));
  }

  /** Loads the keys before the first request needs them, then keeps them fresh. */
  void loadKeys(@Observes StartupEvent event, JwksKeys keys, GatewayConfig config) {
    Duration max = config.jwt().jwksRefreshMaxInterval();
    keys.refresh().whenComplete((set, failure) -> scheduleRefresh(keys, max));
  }

  private void scheduleRefresh(JwksKeys keys, Duration max) {
    if (closed) {
      return;
    }
    long delay = Math.max(1, keys.untilNextRefresh(max).toMillis());
    vertx.setTimer(
        delay, id -> keys.refresh().whenComplete((set, failure) -> scheduleRefresh(keys, max)));
  }

  private CompletionStage<JwksKeys.Document> fetch(URI url, int timeoutMillis) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(url.toString())
            .setTimeout(timeoutMillis)
            .putHeader("Accept", "application/json");
    return client
        .request(options)
        .compose(request -> request.send())
        .compose(
            response -> {
              if (response.statusCode() != 200) {
                return io.vertx.core.Future.failedFuture(
                    "JWKS " + url + " answered " + response.statusCode());
              }
              Duration maxAge = JwksKeys.maxAge(response.getHeader("Cache-Control"));
              return response.body().map(body -> new JwksKeys.Document(body.toString(), maxAge));
            })
        .toCompletionStage();
  }

  @PreDestroy
  void close() {
    closed = true;
    if (client != null) {
      client.close();
    }
  }
}
