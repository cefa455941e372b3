package dev.bazaar.gateway.fetch;

import dev.bazaar.gateway.pipeline.Exchange;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Answers an exchange with a whole, buffered response that the gateway composed or stored. */
public final class Responses {

  /** Upstream headers the gateway recomputes when it answers from a buffer. */
  private static final Set<String> RECOMPUTED =
      Set.of("content-length", "transfer-encoding", "x-request-id", "connection", "keep-alive");

  private Responses() {}

  /** Sends status, headers and body; a HEAD request gets the headers only. */
  public static void send(Exchange exchange, int status, MultiMap headers, Buffer body) {
    HttpServerResponse response = exchange.response();
    if (response.headWritten() || response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status);
    for (Map.Entry<String, String> header : headers) {
      if (!RECOMPUTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        response.headers().add(header.getKey(), header.getValue());
      }
    }
    if (exchange.requestId() != null) {
      response.headers().set("X-Request-Id", exchange.requestId());
    }
    if (exchange.request().method().equals(HttpMethod.HEAD) || status == 304 || status == 204) {
      if (status != 304 && status != 204) {
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
      }
      response.end();
    } else {
      response.end(body);
    }
  }
}
