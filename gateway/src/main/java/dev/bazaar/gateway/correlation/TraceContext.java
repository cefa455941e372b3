package dev.bazaar.gateway.correlation;

import io.opentelemetry.api.trace.SpanContext;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A W3C Trace Context ({@code traceparent}) as the gateway passes it on: the trace id of the caller
 * (or a new one) with a span id of the gateway's own.
 *
 * @param traceId 32 lowercase hex digits, not all zero
 * @param spanId 16 lowercase hex digits, not all zero; the gateway's span
 * @param flags 2 lowercase hex digits
 * @param parentSpanId the caller's span id, empty when the gateway started the trace
 */
public record TraceContext(
    String traceId, String spanId, String flags, Optional<String> parentSpanId) {

  public static final String HEADER = "traceparent";

  private static final Pattern TRACEPARENT =
      Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);
  private static final String SAMPLED = "01";
  private static final HexFormat HEX = HexFormat.of();

  /** The header value sent upstream: version 00, this trace id, the gateway's span id. */
  public String traceparent() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  /** Factory that continues valid incoming trace contexts and starts new ones otherwise. */
  public static final class Factory {

    private final Supplier<RandomGenerator> random;

    public Factory(Supplier<RandomGenerator> random) {
      this.random = random;
    }

    /**
     * Continues {@code incoming} when it is a valid {@code traceparent} (same trace id and flags,
     * new span id), otherwise starts a new sampled trace.
     */
    public TraceContext continueOrStart(String incoming) {
      return parse(incoming)
          .map(p -> new TraceContext(p.traceId(), newSpanId(), p.flags(), Optional.of(p.spanId())))
          .orElseGet(this::start);
    }

    /**
     * The trace context of the gateway's span when tracing is on ({@code span}: the OpenTelemetry
     * server span of the request, made from {@code incoming}), so that the ids the gateway logs and
     * passes upstream are the exported ones; otherwise as {@link #continueOrStart}.
     */
    public TraceContext adoptOrContinue(SpanContext span, String incoming) {
      if (span == null || !span.isValid()) {
        return continueOrStart(incoming);
      }
      return new TraceContext(
          span.getTraceId(),
          span.getSpanId(),
          span.getTraceFlags().asHex(),
          parse(incoming)
              .filter(p -> p.traceId().equals(span.getTraceId()))
              .map(TraceContext::spanId));
    }

    public TraceContext start() {
      return new TraceContext(newTraceId(), newSpanId(), SAMPLED, Optional.empty());
    }

    private String newTraceId() {
      RandomGenerator r = random.get();
      String id;
      do {
        id = HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
      } while (id.equals(ZERO_TRACE));
      return id;
    }

    private String newSpanId() {
      RandomGenerator r = random.get();
      String id;
      do {
        id = HEX.toHexDigits(r.nextLong());
      } while (id.equals(ZERO_SPAN));
      return id;
    }
  }

  /**
   * Parses a {@code traceparent} following the W3C rules: version {@code ff} and all-zero ids are
   * invalid, version 00 has exactly four fields, later versions may append fields.
   */
  static Optional<TraceContext> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.trim();
    if (!value.equals(value.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    var m = TRACEPARENT.matcher(value);
    if (!m.matches()) {
      return Optional.empty();
    }
    String version = m.group(1);
    String traceId = m.group(2);
    String spanId = m.group(3);
    String flags = m.group(4);
    if (version.equals("ff") || traceId.equals(ZERO_TRACE) || spanId.equals(ZERO_SPAN)) {
      return Optional.empty();
    }
    if (version.equals("00") && m.group(5) != null) {
      return Optional.empty();
    }
    return Optional.of(new TraceContext(traceId, spanId, flags, Optional.empty()));
  }
}
