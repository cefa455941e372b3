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
import java.util.concurrent.CompletionStage;

/**
 * Wires the plain-Java verifier to Vert.x: the JWKS is fetched with a non-blocking {@link
 * HttpClient}, once at startup and again on an unknown {@code kid}.
 */
@Singleton
public class AuthBeans {

  private final Vertx vertx;
  private HttpClient client;

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
    return new JwksKeys(() -> fetch(url, timeoutMillis), clock, jwt.jwksRefreshMinInterval());
  }

  @Produces
  @Singleton
  JwtVerifier jwtVerifier(GatewayConfig config, JwksKeys keys, Clock clock) {
    GatewayConfig.JwtConfig jwt = config.jwt();
    return new JwtVerifier(
        keys, clock, jwt.issuer(), jwt.audience(), jwt.clockSkew(), jwt.cacheSize());
  }

  /** Loads the keys before the first request needs them; a failure is retried on demand. */
  void loadKeys(@Observes StartupEvent event, JwksKeys keys) {
    keys.refresh();
  }

  private CompletionStage<String> fetch(URI url, int timeoutMillis) {
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
              return response.body().map(body -> body.toString());
            })
        .toCompletionStage();
  }

  @PreDestroy
  void close() {
    if (client != null) {
      client.close();
    }
  }
}
