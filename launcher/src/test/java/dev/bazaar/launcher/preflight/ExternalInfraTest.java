package dev.bazaar.launcher.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExternalInfraTest {
  @Test
  void passwordsAreRedactedInUrlsAndMessages() {
    assertThat(ExternalInfra.Redact.url("amqp://guest:s3cret@host:5672/%2F"))
        .isEqualTo("amqp://guest:***@host:5672/%2F");
    assertThat(
            ExternalInfra.Redact.url(
                "jdbc:postgresql://h:5432/postgres?user=postgres&password=p%40ss&ssl=true"))
        .isEqualTo("jdbc:postgresql://h:5432/postgres?user=postgres&password=***&ssl=true");
    assertThat(
            ExternalInfra.Redact.text(
                "login with p@ss failed\nsecond line", "jdbc:postgresql://h/db?password=p%40ss"))
        .isEqualTo("login with *** failed");
  }

  @Test
  void aClosedPortNamesTheVariableAndTheAddressInOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String amqp = "amqp://guest:hunter2@127.0.0.1:" + port + "/%2F";
    String pg = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=u&password=hunter2";

    String amqpError =
        ExternalInfra.checkAmqp("BAZAAR_AMQP_URL", amqp, Duration.ofSeconds(2)).orElseThrow();
    String pgError =
        ExternalInfra.checkPostgres("BAZAAR_PG_URL", pg, Duration.ofSeconds(2)).orElseThrow();

    assertThat(amqpError)
        .startsWith("$BAZAAR_AMQP_URL (amqp://guest:***@127.0.0.1:" + port + "/%2F)")
        .contains("nothing accepts connections at 127.0.0.1:" + port)
        .doesNotContain("hunter2")
        .doesNotContain("\n");
    assertThat(pgError)
        .startsWith("$BAZAAR_PG_URL (")
        .contains("nothing accepts connections at 127.0.0.1:" + port)
        .doesNotContain("hunter2")
        .doesNotContain("\n");
  }

  @Test
  void notAnAmqpUriIsSaidSo() {
    assertThat(ExternalInfra.checkAmqp("BAZAAR_AMQP_URL", "http://x", Duration.ofSeconds(1)))
        .hasValueSatisfying(e -> assertThat(e).contains("is not an AMQP URI"));
    assertThat(ExternalInfra.checkPostgres("BAZAAR_PG_URL", "postgres://x", Duration.ofSeconds(1)))
        .hasValueSatisfying(e -> assertThat(e).contains("must start with jdbc:postgresql://"));
  }
}
