package dev.bazaar.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bazaar.gateway.FakeUpstreams;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** With a key store configured the gateway terminates TLS and proxies over it. */
@QuarkusTest
@TestProfile(TlsTest.WithCertificate.class)
@WithTestResource(FakeUpstreams.class)
class TlsTest {

  static final String PASSWORD = "changeit-test";

  /** Generates a self-signed certificate the same way {@code ./bazaar up --tls} does. */
  public static class WithCertificate implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Path keyStore = Path.of("target", "tls-test", "gateway.p12").toAbsolutePath();
      SelfSigned.generate(keyStore, PASSWORD);
      return Map.of(
          "quarkus.http.ssl.certificate.key-store-file",
          keyStore.toString(),
          "quarkus.http.ssl.certificate.key-store-password",
          PASSWORD,
          "quarkus.http.test-ssl-port",
          "0",
          "quarkus.http.insecure-requests",
          "enabled",
          // The deadline counts from accept, so it includes the TLS handshake, which a cold JVM
          // on a busy test machine can take seconds for; the test's 2 s would cut it off.
          "bazaar.gateway.protect.header-deadline",
          "30s");
    }
  }

  @TestHTTPResource(value = "/", tls = true)
  URI https;

  @Test
  void answersOverHttpsWithTheGeneratedCertificate() throws Exception {
    assertThat(https.getScheme()).isEqualTo("https");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in =
        java.nio.file.Files.newInputStream(
            Path.of("target", "tls-test", "gateway.p12").toAbsolutePath())) {
      store.load(in, PASSWORD.toCharArray());
    }
    X509Certificate served = (X509Certificate) store.getCertificate("gateway");
    SSLContext tls = SSLContext.getInstance("TLS");
    X509Certificate[] seen = new X509Certificate[1];
    tls.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
              seen[0] = chain[0];
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(https.resolve("/api/v1/users/me")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"upstream\":\"users\"");
    assertThat(seen[0]).isEqualTo(served);
    // HSTS over TLS only (RFC 6797 section 7.2).
    assertThat(response.headers().firstValue("Strict-Transport-Security"))
        .contains("max-age=31536000");
    assertThat(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(http.resolve("/api/v1/users/me")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .headers()
                .firstValue("Strict-Transport-Security"))
        .isEmpty();

    // Strict framing holds behind TLS as well: the strict decoder is put in place after the
    // handshake, before the first request byte reaches a decoder.
    try (SSLSocket socket =
        (SSLSocket) tls.getSocketFactory().createSocket(https.getHost(), https.getPort())) {
      socket.setSoTimeout(3_000);
      socket
          .getOutputStream()
          .write(
              "GET /api/v1/users/me HTTP/1.1\r\nHost: gw\r\nX-Folded: a\r\n b\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      byte[] buf = new byte[8192];
      int n = socket.getInputStream().read(buf);
      String answer = n < 0 ? "" : new String(buf, 0, n, StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 400 ");
      assertThat(socket.getInputStream().read()).as("closed after the answer").isEqualTo(-1);
    }
  }

  @TestHTTPResource("/")
  URI http;
}
