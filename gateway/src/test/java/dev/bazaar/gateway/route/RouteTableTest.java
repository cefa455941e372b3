package dev.bazaar.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
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
    assertThat(table.match(path)).map(Route::name).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/usersX", "/api/v1/user", "/api/v1", "/", "/api/v1/authz"})
  void doesNotMatchAcrossSegmentBoundaries(String path) {
    assertThat(table.match(path)).isEmpty();
  }

  @Test
  void refusesTwoRoutesWithTheSamePrefix() {
    assertThatThrownBy(
            () -> new RouteTable(List.of(route("a", "/api/v1/x"), route("b", "/api/v1/x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/api/v1/x");
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
