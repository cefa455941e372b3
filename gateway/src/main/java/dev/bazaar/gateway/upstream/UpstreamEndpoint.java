package dev.bazaar.gateway.upstream;

import java.net.URI;
import java.util.Locale;

/**
 * One reachable instance of an upstream.
 *
 * @param host host name or address
 * @param port TCP port
 * @param ssl whether to speak TLS
 * @param basePath path prepended to the forwarded path, empty or starting with '/' without a
 *     trailing slash
 */
public record UpstreamEndpoint(String host, int port, boolean ssl, String basePath) {

  /** Parses a base URL such as {@code http://127.0.0.1:8081} or {@code https://users/base}. */
  public static UpstreamEndpoint of(URI baseUrl) {
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "upstream URL must be http or https, but was '" + baseUrl + "'");
    }
    if (baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "upstream URL must name a host, but was '" + baseUrl + "'");
    }
    if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "upstream URL must not carry a query or fragment, but was '" + baseUrl + "'");
    }
    boolean ssl = scheme.equals("https");
    int port = baseUrl.getPort() != -1 ? baseUrl.getPort() : ssl ? 443 : 80;
    String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new UpstreamEndpoint(baseUrl.getHost(), port, ssl, path);
  }

  /** The request target for a forwarded path and raw query ({@code null} when absent). */
  public String target(String path, String rawQuery) {
    String target = basePath + path;
    return rawQuery == null ? target : target + "?" + rawQuery;
  }

  @Override
  public String toString() {
    return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
  }
}
