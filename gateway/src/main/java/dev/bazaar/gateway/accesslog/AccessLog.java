package dev.bazaar.gateway.accesslog;

import dev.bazaar.gateway.pipeline.Exchange;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Writes one line per request to the {@code bazaar.access} logger. The fields travel as MDC
 * entries, so the JSON console format renders them as structured fields ({@code "mdc":{...}}) of a
 * single JSON object; the message repeats the essentials for the plain-text format of dev and test.
 */
@Singleton
public class AccessLog {

  public static final String CATEGORY = "bazaar.access";

  private static final Logger LOG = Logger.getLogger(CATEGORY);

  private final Clock clock;

  public AccessLog(Clock clock) {
    this.clock = clock;
  }

  /** Logs the finished exchange; {@code completed} is false when the response was cut off. */
  public void log(Exchange exchange, boolean completed) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    var response = exchange.response();
    String method = exchange.request().method().name();
    String path = exchange.path();
    String route = exchange.route() == null ? null : exchange.route().name();
    String upstream = exchange.upstream() == null ? null : exchange.upstream().name();
    String status = Integer.toString(response.headWritten() ? response.getStatusCode() : 0);
    String bytesOut = Long.toString(response.bytesWritten());
    String latencyMs =
        Long.toString(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.startNanos()));
    String requestId = exchange.requestId();
    String traceId = exchange.trace() == null ? null : exchange.trace().traceId();
    // Straight into the MDC (no intermediate map); the record copies it once when it is logged.
    MDC.put("ts", clock.instant().toString());
    MDC.put("method", method);
    MDC.put("path", path);
    putIfPresent("route", route);
    putIfPresent("upstream", upstream);
    MDC.put("status", status);
    MDC.put("bytesOut", bytesOut);
    MDC.put("latencyMs", latencyMs);
    putIfPresent("requestId", requestId);
    putIfPresent("traceId", traceId);
    if (!completed) {
      MDC.put("aborted", "true");
    }
    try {
      LOG.info(message(method, path, upstream, status, bytesOut, latencyMs, requestId, completed));
    } finally {
      for (String key : KEYS) {
        MDC.remove(key);
      }
    }
  }

  /** Every MDC key an entry may set. */
  private static final String[] KEYS = {
    "ts",
    "method",
    "path",
    "route",
    "upstream",
    "status",
    "bytesOut",
    "latencyMs",
    "requestId",
    "traceId",
    "aborted"
  };

  /** Human-readable summary for log formats that do not print the MDC. */
  static String message(
      String method,
      String path,
      String upstream,
      String status,
      String bytesOut,
      String latencyMs,
      String requestId,
      boolean completed) {
    return new StringBuilder(96 + path.length())
        .append(method)
        .append(' ')
        .append(path)
        .append(" -> ")
        .append(upstream == null ? "-" : upstream)
        .append(' ')
        .append(status)
        .append(' ')
        .append(bytesOut)
        .append("B ")
        .append(latencyMs)
        .append("ms rid=")
        .append(requestId)
        .append(completed ? "" : " aborted")
        .toString();
  }

  private static void putIfPresent(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
  }
}
