package dev.bazaar.launcher.tls;

import dev.bazaar.launcher.infra.SecretFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The gateway's TLS material for {@code ./bazaar up --tls}: a self-signed certificate for {@code
 * localhost} and {@code 127.0.0.1} in a PKCS#12 key store, {@code <data>/tls/gateway.p12}, with its
 * password in {@code <data>/tls/password} (mode 600). Made once with the JDK's {@code keytool} and
 * reused on later starts, so a browser exception for it stays valid.
 *
 * @param keyStore the PKCS#12 file
 * @param password its password
 * @param httpsPort the port the gateway answers https on
 */
public record GatewayTls(Path keyStore, String password, int httpsPort) {

  /**
   * The key store and password under {@code dir}, generated when missing. The directory is made
   * mode 700 and the password file mode 600 before anything is written; keytool reads the password
   * from that file ({@code -storepass:file}), never from its command line, where {@code ps} would
   * show it.
   */
  public static GatewayTls ensure(Path dir, String javaExecutable, int httpsPort)
      throws IOException, InterruptedException {
    SecretFile.privateDirectory(dir);
    restrict(dir, "rwx------");
    Path keyStore = dir.resolve("gateway.p12");
    Path passwordFile = dir.resolve("password");
    if (Files.isRegularFile(keyStore) && Files.isRegularFile(passwordFile)) {
      return new GatewayTls(
          keyStore, Files.readString(passwordFile, StandardCharsets.UTF_8).trim(), httpsPort);
    }
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    SecretFile.write(passwordFile, password + "\n");
    Files.deleteIfExists(keyStore);
    Path keytool = Path.of(javaExecutable).resolveSibling("keytool");
    Process process =
        new ProcessBuilder(
                List.of(
                    keytool.toString(),
                    "-genkeypair",
                    "-alias",
                    "gateway",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-validity",
                    "825",
                    "-dname",
                    "CN=localhost, O=Bazaar (local)",
                    "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass:file",
                    passwordFile.toString(),
                    "-keypass:file",
                    passwordFile.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException("keytool failed to make " + keyStore + ": " + output.trim());
    }
    // keytool creates the file with the default mode; inside the mode-700 directory nobody else
    // could open it meanwhile.
    restrict(keyStore, "rw-------");
    return new GatewayTls(keyStore, password, httpsPort);
  }

  private static void restrict(Path path, String mode) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: the data dir's own permissions apply.
    }
  }

  /** The gateway's environment for TLS (see docs/gateway.md, "TLS"). */
  public Map<String, String> env() {
    return Map.of(
        "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_FILE", keyStore.toString(),
        "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_STORE_PASSWORD", password,
        "QUARKUS_HTTP_SSL_PORT", Integer.toString(httpsPort));
  }

  public String url() {
    return "https://localhost:" + httpsPort;
  }
}
