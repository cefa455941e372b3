package dev.bazaar.chassis.tracing;

import dev.bazaar.chassis.messaging.Envelope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C trace context through the outbox and the broker, and the spans of the messaging path, so that
 * one order is one trace across every service it touches.
 *
 * <ul>
 *   <li>writing to the outbox: the current span's {@code traceparent} goes into the row's column,
 *       its {@code tracestate} (if any) into the row's headers ({@link #outboxHeaders});
 *   <li>the relay: an {@code outbox wait} span from the row's write to its publish (the relay's
 *       delay) and a PRODUCER span {@code publish <exchange>}, both children of the row's context;
 *       the publish span's context replaces the row's in the AMQP headers ({@link #published});
 *   <li>a consumer: a CONSUMER span {@code process <queue>}, child of the headers' context, current
 *       while the handler runs, so what the handler writes to its outbox continues the trace
 *       ({@link #consume}).
 * </ul>
 *
 * <p>The messaging core is plain Java, so the OpenTelemetry instance is handed in once at start-up
 * ({@link #use}); until then, and whenever tracing is off, every method is a cheap no-op and the
 * {@code traceparent} an envelope carries passes through unchanged.
 */
public final class MessageTracing {

  /** Header of the vendor trace state beside {@link Envelope#HEADER_TRACEPARENT}. */
  public static final String HEADER_TRACESTATE = "tracestate";

  static final String INSTRUMENTATION = "dev.bazaar.chassis.messaging";
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> ROUTING_KEY =
      AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("bazaar.message.type");
  static final AttributeKey<Long> DELAY_MS = AttributeKey.longKey("bazaar.outbox.delay_ms");

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<Map<String, ?>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, ?> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, ?> carrier, String key) {
          Object v = carrier == null ? null : carrier.get(key);
          // AMQP header values arrive as LongString.
          return v == null ? null : v.toString();
        }
      };

  private static volatile Tracer tracer;

  private MessageTracing() {}

  /** Traces with {@code otel} from now on; {@code null} (or a no-op instance) turns tracing off. */
  public static void use(OpenTelemetry otel) {
    tracer = otel == null ? null : otel.getTracer(INSTRUMENTATION);
  }

  /** Whether spans are made (tracing is on). */
  public static boolean enabled() {
    return tracer != null;
  }

  /** The current span's context as a {@code traceparent}, or null when there is none. */
  public static String currentTraceparent() {
    SpanContext sc = Span.current().getSpanContext();
    if (!sc.isValid()) {
      return null;
    }
    return "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex();
  }

  /**
   * Extra headers to store with an outbox row written now: the current {@code tracestate}, when
   * there is one (the {@code traceparent} has a column of its own). Empty when tracing is off.
   */
  public static Map<String, Object> outboxHeaders() {
    if (tracer == null) {
      return Map.of();
    }
    SpanContext sc = Span.current().getSpanContext();
    if (!sc.isValid() || sc.getTraceState().isEmpty()) {
      return Map.of();
    }
    Map<String, Object> h = new HashMap<>();
    W3C.inject(Context.current(), h, (carrier, k, v) -> carrier.put(k, v));
    h.remove(Envelope.HEADER_TRACEPARENT);
    return h;
  }

  /**
   * Traces the publish of an outbox row and returns the headers to publish it with: the row's own,
   * with the trace context of its PRODUCER span {@code publish <exchange>} (the consumer's parent).
   * Before it, an {@code outbox wait} span covers the relay's delay, from the row's write (its
   * envelope's {@code occurredAt}: {@code Messaging.publish} writes the row at that instant) to
   * now; a consumer's re-send (a delayed retry, a parked message) carries the first send's time and
   * has no wait span. Both continue the context the row was written with ({@code traceparent} of
   * the envelope, {@code tracestate} of the row's headers). The publish span ends when the message
   * is handed to the channel: the broker's confirm arrives later, asynchronously. Tracing off: the
   * headers as they are.
   */
  public static Map<String, Object> published(
      String exchange, String routingKey, Envelope envelope, Map<String, Object> rowHeaders) {
    Tracer t = tracer;
    if (t == null) {
      return rowHeaders;
    }
    Map<String, Object> stored = new HashMap<>(rowHeaders);
    if (envelope.traceparent() != null) {
      stored.put(Envelope.HEADER_TRACEPARENT, envelope.traceparent());
    }
    Context parent = W3C.extract(Context.root(), stored, HEADERS);
    String destination = exchange.isEmpty() ? routingKey : exchange;
    Instant now = Instant.now();
    if (!rowHeaders.containsKey(Envelope.HEADER_ATTEMPTS)) {
      Instant writtenAt = envelope.occurredAt();
      t.spanBuilder("outbox wait")
          .setParent(parent)
          .setStartTimestamp(writtenAt)
          .setAttribute(MESSAGE_ID, envelope.id().toString())
          .setAttribute(MESSAGE_TYPE, envelope.type())
          .setAttribute(DELAY_MS, Math.max(0, now.toEpochMilli() - writtenAt.toEpochMilli()))
          .startSpan()
          .end(now);
    }
    Span span =
        t.spanBuilder("publish " + destination)
            .setParent(parent)
            .setSpanKind(SpanKind.PRODUCER)
            .setStartTimestamp(now)
            .setAttribute(SYSTEM, "rabbitmq")
            .setAttribute(OPERATION, "send")
            .setAttribute(DESTINATION, destination)
            .setAttribute(ROUTING_KEY, routingKey)
            .setAttribute(MESSAGE_ID, envelope.id().toString())
            .setAttribute(MESSAGE_TYPE, envelope.type())
            .startSpan();
    Map<String, Object> headers = new HashMap<>(rowHeaders);
    headers.remove(HEADER_TRACESTATE);
    W3C.inject(parent.with(span), headers, (carrier, k, v) -> carrier.put(k, v));
    span.end();
    return headers;
  }

  /** A message being handled: its span is current until {@link #close}. */
  public static final class Consume implements AutoCloseable {
    private static final Consume OFF = new Consume(Span.getInvalid(), null);
    private final Span span;
    private final Scope scope;

    Consume(Span span, Scope scope) {
      this.span = span;
      this.scope = scope;
    }

    public void failed(Throwable e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
    }

    @Override
    public void close() {
      if (scope != null) {
        scope.close();
      }
      span.end();
    }
  }

  /**
   * Starts the CONSUMER span of a delivery from {@code queue}, child of the context in its AMQP
   * {@code headers}, and makes it current on this thread until {@link Consume#close}.
   */
  public static Consume consume(String queue, Envelope envelope, Map<String, Object> headers) {
    Tracer t = tracer;
    if (t == null) {
      return Consume.OFF;
    }
    Context parent = W3C.extract(Context.root(), headers == null ? Map.of() : headers, HEADERS);
    Span span =
        t.spanBuilder("process " + queue)
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(SYSTEM, "rabbitmq")
            .setAttribute(OPERATION, "process")
            .setAttribute(DESTINATION, queue)
            .setAttribute(MESSAGE_ID, envelope.id().toString())
            .setAttribute(MESSAGE_TYPE, envelope.type())
            .startSpan();
    return new Consume(span, parent.with(span).makeCurrent());
  }
}
