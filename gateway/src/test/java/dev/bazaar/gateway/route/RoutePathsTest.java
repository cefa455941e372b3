package dev.bazaar.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutePathsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/auth/token",
        "/api/v1/auth/token/",
        "/api/v1/auth/token;x=1",
        "/api/v1/auth;a=b/token",
        "/api/v1//auth/token",
        "//api/v1/auth/token//",
        "/API/V1/Auth/TOKEN",
        "/api/v1/auth/token;jsessionid=1/"
      })
  void everySpellingOfTheLoginPathHasTheCanonicalForm(String path) {
    assertThat(RoutePaths.canonical(path)).isEqualTo("/api/v1/auth/token");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "//", ";x", "/;x/"})
  void theRootStaysTheRoot(String path) {
    assertThat(RoutePaths.canonical(path)).isEqualTo("/");
  }
}
