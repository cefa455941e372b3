package dev.bazaar.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthPolicyTest {

  @Test
  void parsesTheThreeForms() {
    assertThat(AuthPolicy.parse("public")).isEqualTo(AuthPolicy.PUBLIC);
    assertThat(AuthPolicy.parse("authenticated")).isEqualTo(AuthPolicy.AUTHENTICATED);
    AuthPolicy admin = AuthPolicy.parse("role:admin");
    assertThat(admin.requiresIdentity()).isTrue();
    assertThat(admin.admits(Set.of("admin", "customer"))).isTrue();
    assertThat(admin.admits(Set.of("customer"))).isFalse();
    assertThat(admin).hasToString("role:admin");
    assertThat(AuthPolicy.PUBLIC.requiresIdentity()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "private", "role:", "role:a b", "Authenticated", "admin"})
  void refusesAnythingElseSayingWhatIsAllowed(String value) {
    assertThatThrownBy(() -> AuthPolicy.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be public, authenticated or role:<role>, but was '" + value + "'");
  }

  @Test
  void bearerTokenParsing() {
    assertThat(AuthFilter.bearerToken("Bearer abc")).isEqualTo("abc");
    assertThat(AuthFilter.bearerToken("bearer   abc ")).isEqualTo("abc");
    assertThat(AuthFilter.bearerToken("Basic abc")).isNull();
    assertThat(AuthFilter.bearerToken("Bearer ")).isNull();
    assertThat(AuthFilter.bearerToken(null)).isNull();
  }

  @Test
  void challengeDescriptionCannotBreakOutOfItsQuotes() {
    assertThat(AuthFilter.challenge("invalid_token", "alg \"x\\y\n"))
        .isEqualTo(
            "Bearer realm=\"bazaar\", error=\"invalid_token\", error_description=\"alg ?x?y?\"");
  }
}
