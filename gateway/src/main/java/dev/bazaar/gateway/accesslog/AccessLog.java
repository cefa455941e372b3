package dev.bazaar.gateway.accesslog;

import dev.bazaar.gateway.config.GatewayConfig;
import dev.bazaar.gateway.pipeline.Exchange;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.channels.WritableByteChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Writes one line per request. The fields are {@code ts}, {@code method}, {@code path}, {@code
 * route}, {@code upstream}, {@code status}, {@code bytesOut}, {@code latencyMs}, {@code requestId},
 * {@code traceId} and, for a cut-off response, {@code aborted}.
 *
 * <p>In production ({@code bazaar.gateway.access-log.format=json}) the gateway builds the JSON line
 * itself, in the layout of the JSON console log ({@code "mdc":{...}} holds the fields), and writes
 * it to standard output in batches of up to {@link #FLUSH_DELAY} per event loop ({@link
 * BatchedLines}). Going through the logging stack cost about a third of the gateway's CPU per
 * request (bench/README.md): an MDC kept in the Vert.x context, a copy of it per record, a generic
 * JSON generator and a write per line. With {@code format=logger} (dev and test) the fields travel
 * as MDC entries of a record on the {@code bazaar.access} logger, whose message repeats the
 * essentials for the plain-text format. Either way the logger's level switches the access log:
 * below INFO nothing is written.
 */
@Singleton
public class AccessLog {

  public static final String CATEGORY = "bazaar.access";

  private static final Logger LOG = Logger.getLogger(CATEGORY);

  /**
   * How long a line may wait for others to share its write. Under load a batch fills up long before
   * (a few hundred lines per write); a lone request's line is out after this.
   */
  static final Duration FLUSH_DELAY = Duration.ofMillis(5);

  private final Clock clock;
  private final boolean json;
  private final BatchedLines out;
  private final ThreadLocal<JsonLine> lines = ThreadLocal.withInitial(() -> new JsonLine(1024));

  @Inject
  public AccessLog(Clock clock, GatewayConfig config) {
    this(
        clock,
        config.accessLog().format() == GatewayConfig.AccessLogConfig.Format.JSON,
        new FileOutputStream(FileDescriptor.out).getChannel());
  }

  AccessLog(Clock clock, boolean json, WritableByteChannel out) {
    this.clock = clock;
    this.json = json;
    this.out = new BatchedLines(out, FLUSH_DELAY.toNanos());
  }

  /** Writes the lines still waiting for their batch's write, before the event loops stop. */
  void onStop(@Observes ShutdownEvent event) {
    out.flushAll();
  }

  /**
   * One request as the access log records it; the number fields are kept as the strings both
   * formats write.
   */
  record Entry(
      String method,
      String path,
      String route,
      String upstream,
      String status,
      String bytesOut,
      String latencyMs,
      String requestId,
      String traceId,
      boolean completed) {

    Entry(
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
      this(
          method,
          path,
          route,
          upstream,
          Integer.toString(status),
          Long.toString(bytesOut),
          Long.toString(latencyMs),
          requestId,
          traceId,
          completed);
    }

    /** Human-readable summary for log formats that do not print the fields. */
    String message() {
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
  }

  /** Logs the finished exchange; {@code completed} is false when the response was cut off. */
  public void log(Exchange exchange, boolean completed) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    var response = exchange.response();
    Entry entry =
        new Entry(
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
    if (json) {
      JsonLine line = lines.get();
      line.clear();
      writeJson(line, clock.instant(), Thread.currentThread().getName(), entry);
      out.write(line);
    } else {
      logRecord(entry);
    }
  }

  /**
   * One access-log line in the JSON console log's layout: {@code timestamp}, {@code loggerName},
   * {@code level}, {@code message}, {@code threadName} and the fields under {@code mdc}, whose
   * values are strings as MDC values are. Fields without a value are left out.
   */
  static void writeJson(JsonLine line, Instant now, String threadName, Entry entry) {
    line.raw("{\"timestamp\":").timestamp(now);
    line.raw(",\"loggerName\":\"" + CATEGORY + "\",\"level\":\"INFO\",");
    line.field("message", entry.message());
    line.raw(',').field("threadName", threadName);
    line.raw(",\"mdc\":{\"ts\":").timestamp(now);
    line.raw(',').field("method", entry.method());
    line.raw(',').field("path", entry.path());
    if (entry.route() != null) {
      line.raw(',').field("route", entry.route());
    }
    if (entry.upstream() != null) {
      line.raw(',').field("upstream", entry.upstream());
    }
    line.raw(",\"status\":\"").raw(entry.status()).raw('"');
    line.raw(",\"bytesOut\":\"").raw(entry.bytesOut()).raw('"');
    line.raw(",\"latencyMs\":\"").raw(entry.latencyMs()).raw('"');
    if (entry.requestId() != null) {
      line.raw(',').field("requestId", entry.requestId());
    }
    if (entry.traceId() != null) {
      line.raw(',').field("traceId", entry.traceId());
    }
    if (!entry.completed()) {
      line.raw(",\"aborted\":\"true\"");
    }
    line.raw("}}");
  }

  private void logRecord(Entry entry) {
    MDC.put("ts", clock.instant().toString());
    MDC.put("method", entry.method());
    MDC.put("path", entry.path());
    putIfPresent("route", entry.route());
    putIfPresent("upstream", entry.upstream());
    MDC.put("status", entry.status());
    MDC.put("bytesOut", entry.bytesOut());
    MDC.put("latencyMs", entry.latencyMs());
    putIfPresent("requestId", entry.requestId());
    putIfPresent("traceId", entry.traceId());
    if (!entry.completed()) {
      MDC.put("aborted", "true");
    }
    try {
      LOG.info(entry.message());
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

  private static void putIfPresent(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
  }
}
