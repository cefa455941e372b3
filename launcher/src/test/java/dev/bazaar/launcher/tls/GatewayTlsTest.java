package dev.bazaar.launcher.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTlsTest {

  @TempDir Path dir;

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Test
  void makesASelfSignedLocalhostCertificateOnceAndReusesIt() throws Exception {
    GatewayTls tls = GatewayTls.ensure(dir.resolve("tls"), java(), 8443);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.keyStore())) {
      store.load(in, tls.password().toCharArray());
    }
    X509Certificate cert = (X509Certificate) store.getCertificate("gateway");
    assertThat(cert.getSubjectX500Principal().getName()).contains("CN=localhost");
    assertThat(cert.getSubjectAlternativeNames().toString()).contains("127.0.0.1", "localhost");
    assertThat(tls.env())
        .containsEntry("QUARKUS_HTTP_SSL_PORT", "8443")
        .containsEntry("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_FILE", tls.keyStore().toString());
    assertThat(tls.url()).isEqualTo("https://localhost:8443");

    assertThat(mode(dir.resolve("tls"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("tls/password"))).isEqualTo("rw-------");
    assertThat(mode(tls.keyStore())).isEqualTo("rw-------");

    GatewayTls again = GatewayTls.ensure(dir.resolve("tls"), java(), 8443);
    assertThat(again.password()).isEqualTo(tls.password());
    try (InputStream in = Files.newInputStream(again.keyStore())) {
      KeyStore reloaded = KeyStore.getInstance("PKCS12");
      reloaded.load(in, again.password().toCharArray());
      assertThat(reloaded.getCertificate("gateway")).isEqualTo(cert);
    }
  }

  private static String mode(Path p) throws java.io.IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
