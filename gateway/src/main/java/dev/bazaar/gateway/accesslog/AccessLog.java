package dev.bazaar.gateway.accesslog;

import dev.bazaar.gateway.pipeline.Exchange;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
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
    Entry entry =
        new Entry(
            clock.instant().toString(),
            exchange.request().method().name(),
            exchange.path(),
            exchange.route() == null ? null : exchange.route().name(),
            exchange.upstream() == null ? null : exchange.upstream().name(),
            response.headWritten() ? response.getStatusCode() : 0,
            response.bytesWritten(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exchange.startNanos()),
            exchange.requestId(),
            exchange.trace() == null ? null : exchange.trace().traceId(),
            completed);
    Map<String, String> fields = entry.fields();
    fields.forEach(MDC::put);
    try {
      LOG.info(entry.message());
    } finally {
      fields.keySet().forEach(MDC::remove);
    }
  }

  /**
   * One access-log entry.
   *
   * @param status the status sent, 0 when the client went away before any response
   * @param completed false when the response was cut off
   */
  public record Entry(
      String ts,
      String method,
      String path,
      String route,
      String upstream,
      int status,
      long bytesOut,
      long latencyMs,
      String requestId,
      String traceId,
      boolean completed) {

    /** The structured fields; {@code route} and {@code upstream} are left out when unrouted. */
    public Map<String, String> fields() {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("ts", ts);
      fields.put("method", method);
      fields.put("path", path);
      putIfPresent(fields, "route", route);
      putIfPresent(fields, "upstream", upstream);
      fields.put("status", Integer.toString(status));
      fields.put("bytesOut", Long.toString(bytesOut));
      fields.put("latencyMs", Long.toString(latencyMs));
      putIfPresent(fields, "requestId", requestId);
      putIfPresent(fields, "traceId", traceId);
      if (!completed) {
        fields.put("aborted", "true");
      }
      return fields;
    }

    /** Human-readable summary for log formats that do not print the MDC. */
    public String message() {
      return method
          + " "
          + path
          + " -> "
          + (upstream == null ? "-" : upstream)
          + " "
          + status
          + " "
          + bytesOut
          + "B "
          + latencyMs
          + "ms rid="
          + requestId
          + (completed ? "" : " aborted");
    }

    private static void putIfPresent(Map<String, String> fields, String key, String value) {
      if (value != null) {
        fields.put(key, value);
      }
    }
  }
}
