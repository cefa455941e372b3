package dev.bazaar.launcher.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
  static final Map<String, String> LAUNCHER =
      Map.of(
          "PATH", "/usr/bin",
          "HOME", "/root",
          "LC_ALL", "C.UTF-8",
          "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317",
          "BAZAAR_ADMIN_PASSWORD", "admin-secret",
          "BAZAAR_PG_URL", "jdbc:postgresql://db/postgres?user=postgres&password=pg-secret",
          "BAZAAR_AMQP_URL", "amqp://admin:mq-secret@mq:5672/",
          "REDIS_URL", "redis://127.0.0.1:6379",
          "AWS_SECRET_ACCESS_KEY", "cloud-secret");

  @Test
  void passesOnlyTheAllowListAndWhatTheLauncherSets() {
    Map<String, String> env =
        ChildEnvironment.of("catalog", LAUNCHER, Map.of("BAZAAR_AMQP_URL", "amqp://catalog:x@h/"));
    assertThat(env)
        .containsEntry("PATH", "/usr/bin")
        .containsEntry("HOME", "/root")
        .containsEntry("LC_ALL", "C.UTF-8")
        .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
        .containsEntry("BAZAAR_AMQP_URL", "amqp://catalog:x@h/")
        .doesNotContainKeys(
            "BAZAAR_ADMIN_PASSWORD", "BAZAAR_PG_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY");
    assertThat(env.values().toString()).doesNotContain("secret");
  }

  @Test
  void theGatewayAlsoGetsRedis() {
    assertThat(ChildEnvironment.of("gateway", LAUNCHER, Map.of()))
        .containsEntry("REDIS_URL", "redis://127.0.0.1:6379")
        .doesNotContainKeys("BAZAAR_ADMIN_PASSWORD", "BAZAAR_PG_URL", "BAZAAR_AMQP_URL");
  }

  @Test
  void usersGetsTheAdminPasswordOnlyWhenTheLauncherSetsIt() {
    assertThat(ChildEnvironment.of("users", LAUNCHER, Map.of()))
        .doesNotContainKey("BAZAAR_ADMIN_PASSWORD");
    assertThat(ChildEnvironment.of("users", LAUNCHER, Map.of("BAZAAR_ADMIN_PASSWORD", "handed-on")))
        .containsEntry("BAZAAR_ADMIN_PASSWORD", "handed-on");
  }
}
