package dev.bazaar.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.gateway.auth.AuthPolicy;
import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.ratelimit.RateLimitPolicy;
import dev.bazaar.gateway.resilience.RetryPolicy;
import dev.bazaar.gateway.upstream.Upstreams;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Route policies from configuration, and start-up failures that name the offending key. */
class RouteTableProducerTest {

  private final Map<String, GatewayConfig.RouteConfig> routes = new HashMap<>();
  private final Map<String, GatewayConfig.RateLimitConfig> limits = new HashMap<>();
  private String defaultRateLimit = "default";

  RouteTableProducerTest() {
    limits.put("default", limit(100, "10s", "client"));
    limits.put("login", limit(10, "1m", "ip"));
  }

  @Test
  void routesCarryTheirAuthAndRateLimitPolicies() {
    route("users", "/api/v1/users", "public", null);
    route("users-me", "/api/v1/users/me", "authenticated", null);
    route("admin", "/api/v1/admin", "role:admin", "none");
    route("auth-token", "/api/v1/auth/token", "public", "login");
    RouteTable table = build();

    Route me = table.route("GET", "/api/v1/users/me").orElseThrow();
    assertThat(me.name()).isEqualTo("users-me");
    assertThat(me.auth()).isEqualTo(AuthPolicy.AUTHENTICATED);
    assertThat(me.rateLimit().map(RateLimitPolicy::name)).contains("default");
    assertThat(table.route("GET", "/api/v1/users").orElseThrow().auth())
        .isEqualTo(AuthPolicy.PUBLIC);
    assertThat(table.route("GET", "/api/v1/admin/x").orElseThrow().rateLimit()).isEmpty();
    RateLimitPolicy login =
        table.route("GET", "/api/v1/auth/token").orElseThrow().rateLimit().orElseThrow();
    assertThat(login.capacity()).isEqualTo(10);
    assertThat(login.keyBy()).isEqualTo(RateLimitPolicy.KeyBy.IP);
  }

  @Test
  void routesCarryTheirMethodsAndRetryPolicy() {
    route("products", "/api/v1/products", "public", null);
    route("products-admin", "/api/v1/products", "role:admin", null, "POST, put", "none");
    RouteTable table = build();

    Route admin = table.route("PUT", "/api/v1/products/p-1").orElseThrow();
    assertThat(admin.name()).isEqualTo("products-admin");
    assertThat(admin.methods()).containsExactlyInAnyOrder("POST", "PUT");
    assertThat(admin.retry()).isEqualTo(RetryPolicy.NONE);
    Route read = table.route("GET", "/api/v1/products/p-1").orElseThrow();
    assertThat(read.name()).isEqualTo("products");
    assertThat(read.methods()).isEmpty();
    assertThat(read.retry()).isEqualTo(RetryPolicy.IDEMPOTENT);
  }

  @Test
  void anUnknownMethodNamesItsKey() {
    route("products-admin", "/api/v1/products", "role:admin", null, "POST,FETCH", null);
    assertThatThrownBy(this::build)
        .hasMessageStartingWith(
            "bazaar.gateway.routes.products-admin.methods must list HTTP methods")
        .hasMessageContaining("'FETCH'");
  }

  @Test
  void anUnknownAuthPolicyNamesItsKey() {
    route("orders", "/api/v1/orders", "private", null);
    assertThatThrownBy(this::build)
        .hasMessage(
            "bazaar.gateway.routes.orders.auth must be public, authenticated or role:<role>, but"
                + " was 'private'");
  }

  @Test
  void anUnknownRateLimitPolicyNamesItsKey() {
    route("orders", "/api/v1/orders", "public", "strict");
    assertThatThrownBy(this::build)
        .hasMessage(
            "bazaar.gateway.routes.orders.rate-limit names rate-limit policy 'strict', but only"
                + " [default, login] (or none) are configured under bazaar.gateway.rate-limits");
  }

  @Test
  void anUnknownDefaultPolicyNamesItsKey() {
    route("orders", "/api/v1/orders", "public", null);
    defaultRateLimit = "nope";
    assertThatThrownBy(this::build)
        .hasMessageStartingWith("bazaar.gateway.default-rate-limit names rate-limit policy 'nope'");
  }

  @Test
  void anInvalidPolicyNamesItsKey() {
    route("orders", "/api/v1/orders", "public", null);
    limits.put("broken", limit(0, "10s", "client"));
    assertThatThrownBy(this::build)
        .hasMessage("bazaar.gateway.rate-limits.broken: capacity must be positive, but was 0");
    limits.put("broken", limit(5, "10s", "user"));
    assertThatThrownBy(this::build)
        .hasMessage("bazaar.gateway.rate-limits.broken.key must be client or ip, but was 'user'");
  }

  private RouteTable build() {
    return new RouteTableProducer()
        .routeTable(config(), new Upstreams(Map.of("users", URI.create("http://127.0.0.1:1"))));
  }

  private void route(String name, String prefix, String auth, String rateLimit) {
    route(name, prefix, auth, rateLimit, null, null);
  }

  private void route(
      String name, String prefix, String auth, String rateLimit, String methods, String retry) {
    routes.put(
        name,
        stub(
            GatewayConfig.RouteConfig.class,
            Map.of(
                "prefix",
                prefix,
                "upstream",
                "users",
                "timeout",
                Optional.empty(),
                "auth",
                auth,
                "rateLimit",
                Optional.ofNullable(rateLimit),
                "methods",
                Optional.ofNullable(methods).map(m -> List.of(m.split(","))),
                "retry",
                retry == null
                    ? RetryPolicy.IDEMPOTENT
                    : RetryPolicy.valueOf(retry.toUpperCase()))));
  }

  private static GatewayConfig.RateLimitConfig limit(long capacity, String period, String key) {
    return stub(
        GatewayConfig.RateLimitConfig.class,
        Map.of(
            "capacity",
            capacity,
            "period",
            Duration.parse("PT" + period.toUpperCase()),
            "key",
            key));
  }

  private GatewayConfig config() {
    return stub(
        GatewayConfig.class,
        Map.of(
            "routes", routes,
            "rateLimits", limits,
            "defaultRateLimit", defaultRateLimit,
            "defaultTimeout", Duration.ofSeconds(10),
            "routesFile", java.util.Optional.empty()));
  }

  @SuppressWarnings("unchecked")
  private static <T> T stub(Class<T> type, Map<String, Object> values) {
    return (T)
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (!values.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
              }
              return values.get(method.getName());
            });
  }
}
