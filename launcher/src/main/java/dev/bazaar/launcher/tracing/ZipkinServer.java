package dev.bazaar.launcher.tracing;

import dev.bazaar.launcher.supervise.ChildSpec;
import dev.bazaar.launcher.supervise.ReadinessProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local trace backend of {@code ./bazaar up --tracing}: Zipkin's own server (an executable jar
 * from Maven Central that the launcher module's build copies next to the launcher) with in-memory
 * storage on 127.0.0.1, supervised like the broker. Every service and the gateway export their
 * spans to it with OpenTelemetry's Zipkin exporter (docs/tracing.md).
 */
public final class ZipkinServer {

  public static final int DEFAULT_PORT = 9411;

  /** Where the launcher module's build puts Zipkin's executable jar, from the repository root. */
  public static final Path JAR = Path.of("launcher", "target", "zipkin", "zipkin-server.jar");

  /**
   * What a service or the gateway reads to export to Zipkin ({@code
   * bazaar.tracing.zipkin-endpoint}; docs/runtime-contract.md, "Tracing"). Setting it turns tracing
   * on.
   */
  public static final String ENDPOINT_ENV = "BAZAAR_TRACING_ZIPKIN_ENDPOINT";

  /**
   * Zipkin's JVM: a bounded heap for a bounded store. The in-memory store keeps the newest spans up
   * to {@link #MAX_SPANS}; an order makes a few dozen.
   */
  static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-Xss512k");

  static final int MAX_SPANS = 200_000;

  private ZipkinServer() {}

  /** The jar under {@code home}, or why {@code up --tracing} cannot start it. */
  public static Optional<String> missing(Path home) {
    Path jar = home.resolve(JAR);
    return Files.isRegularFile(jar)
        ? Optional.empty()
        : Optional.of(
            jar
                + " is missing: build the launcher (./mvnw -pl launcher package, or ./bazaar up"
                + " --rebuild) to fetch Zipkin's server");
  }

  /**
   * The supervised child: {@code java -Xmx256m -jar zipkin-server.jar} answering on
   * 127.0.0.1:{@code port}, ready when its {@code /health} says so. The data dir on its command
   * line marks it as this launcher's for the clean-up after a launcher that was killed.
   */
  public static ChildSpec spec(Path home, Path dataDir, String java, int port, Path logFile) {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(JVM);
    command.add("-Dbazaar.data.dir=" + dataDir.toAbsolutePath().normalize());
    command.add("-jar");
    command.add(home.resolve(JAR).toString());
    // Armeria (Zipkin's HTTP server) binds every address unless told one: loopback only.
    command.add("--armeria.ports[0].ip=127.0.0.1");
    command.add("--armeria.ports[0].port=" + port);
    command.add("--armeria.ports[0].protocols=http");
    return new ChildSpec(
        "zipkin",
        "zipkin-1",
        port,
        0,
        command,
        Map.of(
            "STORAGE_TYPE",
            "mem",
            "MEM_MAX_SPANS",
            Integer.toString(MAX_SPANS),
            "QUERY_PORT",
            Integer.toString(port),
            "SELF_TRACING_ENABLED",
            "false"),
        logFile,
        ReadinessProbe.http("http://127.0.0.1:" + port + "/health"));
  }

  /** Zipkin's web UI. */
  public static String uiUrl(int port) {
    return "http://127.0.0.1:" + port + "/zipkin/";
  }

  /** The base URL the console links traces under ({@code <base>/zipkin/traces/<id>}). */
  public static String baseUrl(int port) {
    return "http://127.0.0.1:" + port;
  }

  /** What every service and the gateway get to export their spans to this server. */
  public static Map<String, String> exportEnv(int port) {
    return Map.of(ENDPOINT_ENV, baseUrl(port) + "/api/v2/spans");
  }
}
