package dev.bazaar.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamEndpointTest {

  @Test
  void parsesHostPortAndScheme() {
    assertThat(UpstreamEndpoint.of(URI.create("http://127.0.0.1:8081")))
        .isEqualTo(new UpstreamEndpoint("127.0.0.1", 8081, false, ""));
    assertThat(UpstreamEndpoint.of(URI.create("https://users.internal/")))
        .isEqualTo(new UpstreamEndpoint("users.internal", 443, true, ""));
  }

  @Test
  void keepsABasePathInFrontOfTheForwardedPath() {
    UpstreamEndpoint endpoint = UpstreamEndpoint.of(URI.create("http://host:9000/base/"));
    assertThat(endpoint.target("/api/v1/users", "a=1")).isEqualTo("/base/api/v1/users?a=1");
    assertThat(endpoint.target("/api/v1/users", null)).isEqualTo("/base/api/v1/users");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://host:21", "host:8081", "http://host:1/?q=1", "/relative"})
  void refusesUnusableUrls(String url) {
    assertThatThrownBy(() -> UpstreamEndpoint.of(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void registryNamesTheBadEntry() {
    assertThatThrownBy(() -> new Upstreams(Map.of("users", URI.create("ftp://x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bazaar.gateway.upstream.users");
  }
}
