package dev.bazaar.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class SecurityHeadersTest {

  @Test
  void anInternalLocationLosesItsAuthority() {
    assertThat(
            SecurityHeaders.publicLocation(
                "http://127.0.0.1:8081/api/v1/users/42?x=1", "shop.example"))
        .isEqualTo("/api/v1/users/42?x=1");
    assertThat(SecurityHeaders.publicLocation("http://users:8080//evil.example/x", "gw"))
        .as("no network-path reference")
        .isEqualTo("/evil.example/x");
    assertThat(SecurityHeaders.publicLocation("/api/v1/orders/1", "gw"))
        .isEqualTo("/api/v1/orders/1");
    assertThat(SecurityHeaders.publicLocation("https://gw:8443/api/v1/x", "gw:8443"))
        .as("the gateway's own address stays")
        .isEqualTo("https://gw:8443/api/v1/x");
  }

  @Test
  void aPageMayBringItsOwnPolicyButNotLoseFrameAncestors() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("Content-Security-Policy", "default-src 'self'");
    headers.set("Referrer-Policy", "same-origin");
    SecurityHeaders.apply(headers, null, "gw");
    assertThat(headers.get("Content-Security-Policy"))
        .isEqualTo("default-src 'self'; frame-ancestors 'none'");
    assertThat(headers.get("Referrer-Policy")).isEqualTo("same-origin");
    assertThat(headers.get("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(headers.get("X-Frame-Options")).isEqualTo("DENY");
    assertThat(headers.contains("Strict-Transport-Security")).isFalse();
  }
}
