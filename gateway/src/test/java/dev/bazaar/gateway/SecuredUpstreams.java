package dev.bazaar.gateway;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@link FakeUpstreams} with the edge switched on: the default auth and rate-limit settings, a JWKS
 * served by a {@link TestIssuer}, and test routes for each auth policy and a tiny rate limit.
 */
public class SecuredUpstreams extends FakeUpstreams {

  /** The test rate-limit policy: 3 requests per hour, so nothing refills during a test. */
  static final int TINY_CAPACITY = 3;

  private final TestIssuer issuer = new TestIssuer();
  private Vertx vertx;

  @Override
  public Map<String, String> start() {
    Map<String, String> config = super.start();
    // Back to the shipped defaults for auth and limits.
    for (String route : OPENED_ROUTES) {
      config.remove("bazaar.gateway.routes." + route + ".auth");
    }
    config.remove("bazaar.gateway.default-rate-limit");
    config.remove("bazaar.gateway.routes.auth-token.rate-limit");
    config.remove("bazaar.gateway.routes.users-register.rate-limit");
    config.remove("bazaar.gateway.security.management-auth");

    vertx = Vertx.vertx();
    HttpServer jwks =
        vertx
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .response()
                        .putHeader("Content-Type", "application/json")
                        .end(issuer.jwks()))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    config.put(
        "bazaar.gateway.jwks-url", "http://127.0.0.1:" + jwks.actualPort() + "/api/v1/auth/jwks");
    config.put("bazaar.gateway.jwt.jwks-refresh-min-interval", "1s");
    // Scheduled refreshes every 2 s, so that a withdrawn key's rejection is seen quickly.
    config.put("bazaar.gateway.jwt.jwks-refresh-max-interval", "2s");

    route(config, "open", "/api/v1/open", "public", null);
    route(config, "private", "/api/v1/private", "authenticated", null);
    route(config, "admin", "/api/v1/admin", "role:admin", null);
    route(config, "limited", "/api/v1/limited", "public", "tiny");
    route(config, "limited-ip", "/api/v1/limited-ip", "public", "tiny-ip");
    config.put("bazaar.gateway.rate-limits.tiny.capacity", Integer.toString(TINY_CAPACITY));
    config.put("bazaar.gateway.rate-limits.tiny.period", "1h");
    config.put("bazaar.gateway.rate-limits.tiny-ip.capacity", Integer.toString(TINY_CAPACITY));
    config.put("bazaar.gateway.rate-limits.tiny-ip.period", "1h");
    config.put("bazaar.gateway.rate-limits.tiny-ip.key", "ip");
    return config;
  }

  /**
   * Waits until the gateway accepts a token of {@code issuer}. The gateway loads the JWKS at
   * start-up and, when that fetch fails, again on demand at most once a second; tests that present
   * tokens call this first, so that no case depends on how that start-up fetch went. The probe's
   * subject is new each time, so it shares no rate-limit bucket with a test.
   */
  static void awaitSigningKeys(TestIssuer issuer) {
    String token = issuer.token("keys-probe-" + UUID.randomUUID(), "customer").sign();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                given()
                        .header("Authorization", "Bearer " + token)
                        .get("/api/v1/private")
                        .statusCode()
                    == 200);
  }

  private static void route(
      Map<String, String> config, String name, String prefix, String auth, String rateLimit) {
    String key = "bazaar.gateway.routes." + name;
    config.put(key + ".prefix", prefix);
    config.put(key + ".upstream", "users");
    config.put(key + ".auth", auth);
    if (rateLimit != null) {
      config.put(key + ".rate-limit", rateLimit);
    }
  }

  @Override
  public void inject(TestInjector injector) {
    super.inject(injector);
    injector.injectIntoFields(
        issuer, new TestInjector.AnnotatedAndMatchesType(InjectTestIssuer.class, TestIssuer.class));
  }

  @Override
  public void stop() {
    super.stop();
    if (vertx != null) {
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .orTimeout(10, TimeUnit.SECONDS)
          .join();
    }
  }
}
