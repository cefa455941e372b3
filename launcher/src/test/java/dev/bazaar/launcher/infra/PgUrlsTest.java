package dev.bazaar.launcher.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUrlsTest {
  @Test
  void swapsTheDatabaseAndDropsTheAdminCredentials() {
    assertThat(
            PgUrls.forDatabase(
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&password=s3&sslmode=require",
                "bazaar_users"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/bazaar_users?sslmode=require");
    assertThat(PgUrls.forDatabase("jdbc:postgresql://db:5433/postgres", "bazaar_orders"))
        .isEqualTo("jdbc:postgresql://db:5433/bazaar_orders");
    assertThat(PgUrls.forDatabase("jdbc:postgresql://db?user=admin", "bazaar_catalog"))
        .isEqualTo("jdbc:postgresql://db/bazaar_catalog");
  }

  @Test
  void rejectsNonPostgresUrls() {
    assertThatThrownBy(() -> PgUrls.forDatabase("jdbc:mysql://db/x", "bazaar_users"))
        .hasMessageContaining("BAZAAR_PG_URL must start with jdbc:postgresql://");
  }

  @Test
  void theErrorForABadUrlDoesNotPrintItsPassword() {
    assertThatThrownBy(
            () ->
                PgUrls.forDatabase(
                    "jdbc:postgres://127.0.0.1:5432/postgres?user=postgres&password=s3cr3t",
                    "bazaar_users"))
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void redactsPasswordsInParametersAndUserInfo() {
    assertThat(PgUrls.redact("jdbc:postgresql://h/db?user=a&password=p1&sslmode=require"))
        .isEqualTo("jdbc:postgresql://h/db?user=a&password=***&sslmode=require");
    assertThat(PgUrls.redact("amqp://catalog:p2@127.0.0.1:5673/"))
        .isEqualTo("amqp://catalog:***@127.0.0.1:5673/");
    assertThat(PgUrls.redact("No suitable driver found for jdbc:pg://h/db?PASSWORD=p3 here"))
        .doesNotContain("p3");
  }
}
