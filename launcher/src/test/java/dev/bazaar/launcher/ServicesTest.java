package dev.bazaar.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.launcher.infra.KeyEncryptionKey;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesTest {
  static Wiring wiring(int basePort) {
    return new Wiring(
        Path.of("/data"),
        basePort,
        user -> "amqp://" + user + ":pw@127.0.0.1:5673/",
        db -> "jdbc:postgresql://127.0.0.1:5433/" + db,
        role -> "pw-" + role);
  }

  static Map<String, String> env(String service, int basePort) {
    ServiceSpec s = Services.byName(service);
    return s.env().build(s, wiring(basePort));
  }

  @Test
  void portsFollowTheRuntimeContract() {
    Wiring w = wiring(8080);
    assertThat(w.port("gateway")).isEqualTo(8080);
    assertThat(w.port("users")).isEqualTo(8081);
    assertThat(w.port("catalog")).isEqualTo(8082);
    assertThat(w.port("orders")).isEqualTo(8083);
    assertThat(w.port("notifications")).isEqualTo(8084);
    assertThat(w.port("payments")).isEqualTo(8085);
    assertThat(wiring(9000).port("orders")).isEqualTo(9003);
  }

  @Test
  void aServiceGetsItsOwnDatabaseTheBrokerAndTheJwksUrl() {
    assertThat(env("users", 8080))
        .containsEntry("QUARKUS_HTTP_PORT", "8081")
        .containsEntry(
            "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:5433/bazaar_users")
        .containsEntry("QUARKUS_DATASOURCE_USERNAME", "bazaar_users")
        .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "pw-bazaar_users")
        .containsEntry("BAZAAR_AMQP_URL", "amqp://users:pw@127.0.0.1:5673/")
        .containsEntry("BAZAAR_JWKS_URL", "http://127.0.0.1:8081/api/v1/auth/jwks")
        .containsEntry("BAZAAR_DATA_DIR", "/data")
        .containsEntry("BAZAAR_INSTANCE", "users-1")
        .doesNotContainKey("BAZAAR_CATALOG_URL");
  }

  @Test
  void onlyUsersIsToldWhereTheKeyEncryptionKeyIs() {
    assertThat(env("users", 8080))
        .containsEntry(
            KeyEncryptionKey.ENV, Path.of("/data").resolve(KeyEncryptionKey.FILE).toString());
    for (ServiceSpec s : Services.ALL) {
      if (!s.name().equals("users")) {
        assertThat(env(s.name(), 8080)).as(s.name()).doesNotContainKey(KeyEncryptionKey.ENV);
      }
    }
  }

  @Test
  void usersIsToldOfThePreviousKeyEncryptionKeyWhileThereIsOne(@TempDir Path data)
      throws Exception {
    assertThat(KeyEncryptionKey.environment(data))
        .containsOnlyKeys(KeyEncryptionKey.ENV)
        .doesNotContainKey(KeyEncryptionKey.PREVIOUS_ENV);
    java.nio.file.Files.writeString(data.resolve(KeyEncryptionKey.PREVIOUS_FILE), "old\n");
    assertThat(KeyEncryptionKey.environment(data))
        .containsEntry(KeyEncryptionKey.ENV, data.resolve(KeyEncryptionKey.FILE).toString())
        .containsEntry(
            KeyEncryptionKey.PREVIOUS_ENV, data.resolve(KeyEncryptionKey.PREVIOUS_FILE).toString());
  }

  @Test
  void ordersAlsoKnowsCatalog() {
    assertThat(env("orders", 9000))
        .containsEntry("QUARKUS_HTTP_PORT", "9003")
        .containsEntry("BAZAAR_CATALOG_URL", "http://127.0.0.1:9002")
        .containsEntry("QUARKUS_DATASOURCE_USERNAME", "bazaar_orders");
  }

  @Test
  void theGatewayGetsOneUpstreamPerServiceAndNoDatabase() {
    assertThat(env("gateway", 8080))
        .containsEntry("QUARKUS_HTTP_PORT", "8080")
        .containsEntry("BAZAAR_GATEWAY_UPSTREAM_USERS", "http://127.0.0.1:8081")
        .containsEntry("BAZAAR_GATEWAY_UPSTREAM_CATALOG", "http://127.0.0.1:8082")
        .containsEntry("BAZAAR_GATEWAY_UPSTREAM_ORDERS", "http://127.0.0.1:8083")
        .containsEntry("BAZAAR_GATEWAY_UPSTREAM_NOTIFICATIONS", "http://127.0.0.1:8084")
        .containsEntry("BAZAAR_GATEWAY_UPSTREAM_PAYMENTS", "http://127.0.0.1:8085")
        .doesNotContainKeys("QUARKUS_DATASOURCE_JDBC_URL", "BAZAAR_GATEWAY_UPSTREAM_GATEWAY");
  }

  @Test
  void everyBackendHasADatabaseNamedAfterIt() {
    assertThat(Services.ALL.stream().filter(ServiceSpec::database).map(ServiceSpec::databaseName))
        .containsExactly(
            "bazaar_users",
            "bazaar_catalog",
            "bazaar_orders",
            "bazaar_notifications",
            "bazaar_payments");
  }
}
