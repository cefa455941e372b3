package dev.bazaar.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.gateway.auth.AuthPolicy;
import dev.bazaar.gateway.resilience.RetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTableTest {

  private static Route route(String name, String prefix) {
    return new Route(name, prefix, name + "-upstream", Duration.ofSeconds(10));
  }

  private final RouteTable table =
      new RouteTable(
          List.of(
              route("users", "/api/v1/users"),
              route("auth", "/api/v1/auth"),
              route("user-admin", "/api/v1/users/admin")));

  @ParameterizedTest
  @CsvSource({
    "/api/v1/users, users",
    "/api/v1/users/, users",
    "/api/v1/users/me, users",
    "/api/v1/auth/token, auth",
    "/api/v1/users/admin, user-admin",
    "/api/v1/users/admin/1, user-admin",
    "/api/v1/users/administrator, users"
  })
  void matchesOnSegmentBoundariesLongestPrefixFirst(String path, String expected) {
    assertThat(table.route("GET", path)).map(Route::name).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/usersX", "/api/v1/user", "/api/v1", "/", "/api/v1/authz"})
  void doesNotMatchAcrossSegmentBoundaries(String path) {
    assertThat(table.route("GET", path)).isEmpty();
  }

  @Test
  void refusesTwoRoutesWithTheSamePrefix() {
    assertThatThrownBy(
            () -> new RouteTable(List.of(route("a", "/api/v1/x"), route("b", "/api/v1/x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/api/v1/x");
  }

  private static Route route(String name, String prefix, String... methods) {
    return new Route(
        name,
        prefix,
        Set.of(methods),
        name + "-upstream",
        Duration.ofSeconds(10),
        AuthPolicy.PUBLIC,
        Optional.empty(),
        RetryPolicy.IDEMPOTENT);
  }

  private final RouteTable byMethod =
      new RouteTable(
          List.of(
              route("products", "/api/v1/products"),
              route("products-admin", "/api/v1/products", "POST", "PUT", "PATCH", "DELETE"),
              route("stock-admin", "/api/v1/products/stock", "PUT"),
              route("reports", "/api/v1/reports", "GET"),
              route("reports-upload", "/api/v1/reports", "POST")));

  @ParameterizedTest
  @CsvSource({
    "GET, /api/v1/products, products",
    "HEAD, /api/v1/products/p-1, products",
    "OPTIONS, /api/v1/products, products",
    "POST, /api/v1/products, products-admin",
    "DELETE, /api/v1/products/p-1, products-admin",
    // The longest prefix among the routes whose methods match.
    "PUT, /api/v1/products/stock/p-1, stock-admin",
    "GET, /api/v1/products/stock/p-1, products",
    "PATCH, /api/v1/products/stock, products-admin",
    "GET, /api/v1/reports/r-1, reports",
    "POST, /api/v1/reports, reports-upload"
  })
  void selectsTheLongestPrefixAmongRoutesWhoseMethodsMatch(
      String method, String path, String expected) {
    assertThat(byMethod.route(method, path)).map(Route::name).contains(expected);
  }

  @Test
  void aRouteWithMethodsWinsOverAnEquallyLongOneWithoutInEitherOrder() {
    RouteTable reversed =
        new RouteTable(
            List.of(
                route("zz-admin", "/api/v1/products", "POST"), route("aa", "/api/v1/products")));
    assertThat(reversed.route("POST", "/api/v1/products")).map(Route::name).contains("zz-admin");
    assertThat(reversed.route("GET", "/api/v1/products")).map(Route::name).contains("aa");
  }

  @Test
  void aPathCoveredOnlyForOtherMethodsIsMethodNotAllowed() {
    assertThat(byMethod.match("DELETE", "/api/v1/reports/r-1"))
        .isInstanceOfSatisfying(
            RouteTable.MethodNotAllowed.class,
            m -> assertThat(m.allowed()).containsExactly("GET", "POST"));
    assertThat(byMethod.match("GET", "/api/v1/nothing")).isEqualTo(new RouteTable.NotFound());
    assertThat(byMethod.covers("/api/v1/reports")).isTrue();
  }

  @Test
  void refusesRoutesOfOnePrefixWhoseMethodsOverlap() {
    assertThatThrownBy(
            () ->
                new RouteTable(
                    List.of(
                        route("a", "/api/v1/x", "GET", "POST"),
                        route("b", "/api/v1/x", "POST", "PUT"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "prefix /api/v1/x with methods [POST] is claimed by more than one route (a, b)");
  }

  @Test
  void parsesMethodListsAndNamesAnUnknownMethod() {
    assertThat(Route.parseMethods(List.of(" post", "PUT ", "", "put")))
        .containsExactlyInAnyOrder("POST", "PUT");
    assertThatThrownBy(() -> Route.parseMethods(List.of("GET", "FETCH")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'FETCH'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"api/v1/users", "/api/v1/users/", "/api//users"})
  void refusesMalformedPrefixes(String prefix) {
    assertThatThrownBy(() -> route("bad", prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(prefix);
  }

  @Test
  void refusesNonPositiveTimeouts() {
    assertThatThrownBy(() -> new Route("r", "/api", "u", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
  }
}
