package dev.bazaar.chassis.web;

import dev.bazaar.chassis.tracing.MessageTracing;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Request id and W3C trace context for the current request or message. Plain logic; the HTTP filter
 * and the messaging code put the values into the logging MDC, where log lines, problem responses,
 * outgoing calls and outbox rows read them.
 */
public final class Correlation {

  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  public static final String TRACEPARENT_HEADER = "traceparent";
  public static final String MDC_REQUEST_ID = "requestId";
  public static final String MDC_TRACE_ID = "traceId";
  public static final String MDC_TRACEPARENT = "traceparent";
  public static final String MDC_SPAN_ID = "spanId";

  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern TRACEPARENT =
      Pattern.compile("^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Correlation() {}

  /** The incoming request id when it is safe to log and forward, else a new one. */
  public static String requestIdOrNew(String incoming) {
    if (incoming != null && SANE_ID.matcher(incoming).matches()) {
      return incoming;
    }
    return UUID.randomUUID().toString();
  }

  /**
   * Continues a valid incoming traceparent with a new span id (same trace id, same flags), or
   * starts a new sampled trace.
   */
  public static String continueOrStartTrace(String incoming) {
    if (incoming != null) {
      var m = TRACEPARENT.matcher(incoming.strip());
      if (m.matches()
          && !"ff".equals(m.group(1))
          && !m.group(2).equals("0".repeat(32))
          && !m.group(3).equals("0".repeat(16))) {
        return "00-" + m.group(2) + "-" + randomHex(8) + "-" + m.group(4);
      }
    }
    return "00-" + randomHex(16) + "-" + randomHex(8) + "-01";
  }

  /** The trace id part of a traceparent, or null when it is not one. */
  public static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    var m = TRACEPARENT.matcher(traceparent);
    return m.matches() ? m.group(2) : null;
  }

  /**
   * Puts the request id and trace context into the MDC. With tracing on, the trace context is the
   * current span's (the HTTP server span, a message's consume span), so that log lines carry the
   * ids of the exported spans; otherwise {@code traceparent} as given.
   */
  public static void bind(String requestId, String traceparent) {
    if (requestId != null) {
      MDC.put(MDC_REQUEST_ID, requestId);
    }
    String current = MessageTracing.currentTraceparent();
    if (current != null) {
      traceparent = current;
      MDC.put(MDC_SPAN_ID, current.substring(36, 52));
    }
    if (traceparent != null) {
      MDC.put(MDC_TRACEPARENT, traceparent);
      String traceId = traceId(traceparent);
      if (traceId != null) {
        MDC.put(MDC_TRACE_ID, traceId);
      }
    }
  }

  public static void clear() {
    MDC.remove(MDC_REQUEST_ID);
    MDC.remove(MDC_TRACEPARENT);
    MDC.remove(MDC_TRACE_ID);
    MDC.remove(MDC_SPAN_ID);
  }

  public static String currentRequestId() {
    Object v = MDC.get(MDC_REQUEST_ID);
    return v == null ? null : v.toString();
  }

  /**
   * The trace context to pass on (to an outgoing call, into an outbox row): the current span's when
   * tracing is on, else the one bound to this request or message.
   */
  public static String currentTraceparent() {
    String current = MessageTracing.currentTraceparent();
    if (current != null) {
      return current;
    }
    Object v = MDC.get(MDC_TRACEPARENT);
    return v == null ? null : v.toString();
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }
}
