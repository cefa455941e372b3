package dev.bazaar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling, attacked over raw sockets (RFC 9112): every ambiguous or invalid framing gets
 * 400 and a closed connection, and neither the request nor the one smuggled behind it reaches an
 * upstream (the fake upstreams record every request head they see, by marker).
 */
@QuarkusTest
@WithTestResource(FakeUpstreams.class)
class StrictFramingTest {

  private static final String PATH = "/api/v1/users/smuggle";
  private static final String M1 = "{M1}";
  private static final String M2 = "{M2}";

  /** A complete second request, sent right behind the first: the smuggling payload. */
  private static final String SMUGGLED =
      "GET /api/v1/users/smuggled HTTP/1.1\r\nHost: gw\r\nX-Test-Marker: " + M2 + "\r\n\r\n";

  @InjectFakeUpstreams FakeUpstreams.Recorder upstreams;

  @TestHTTPResource("/")
  URI base;

  static Stream<Arguments> attacks() {
    String post = "POST " + PATH + " HTTP/1.1\r\nHost: gw\r\nX-Test-Marker: " + M1 + "\r\n";
    String get = "GET " + PATH + " HTTP/1.1\r\n";
    return Stream.of(
        Arguments.of(
            "CL.TE",
            post + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG" + SMUGGLED),
        Arguments.of(
            "TE.CL",
            post
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(SMUGGLED.length())
                + "\r\n"
                + SMUGGLED
                + "\r\n0\r\n\r\n"),
        Arguments.of(
            "unknown coding xchunked with Content-Length",
            post + "Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of(
            "unknown coding alone",
            post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "chunked not the final coding",
            post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "a coding before chunked",
            post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "Transfer-Encoding twice",
            post
                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n"
                + SMUGGLED),
        Arguments.of(
            "space before the colon",
            post + "Transfer-Encoding : chunked\r\nContent-Length: 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of(
            "Transfer-Encoding in HTTP/1.0",
            post.replace("HTTP/1.1", "HTTP/1.0")
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + SMUGGLED),
        Arguments.of(
            "two equal Content-Lengths",
            post + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of(
            "two different Content-Lengths",
            post + "Content-Length: 4\r\nContent-Length: 40\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("a Content-Length list", post + "Content-Length: 4, 4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("a signed Content-Length", post + "Content-Length: +4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("a hex Content-Length", post + "Content-Length: 0x4\r\n\r\nabcd" + SMUGGLED),
        Arguments.of(
            "a negative Content-Length", post + "Content-Length: -1\r\n\r\nabcd" + SMUGGLED),
        Arguments.of("no Host", get + "X-Test-Marker: " + M1 + "\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "two Hosts",
            get + "Host: gw\r\nHost: other\r\nX-Test-Marker: " + M1 + "\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "an invalid Host", get + "Host: a b\r\nX-Test-Marker: " + M1 + "\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "obs-fold",
            get + "Host: gw\r\nX-Test-Marker: " + M1 + "\r\nX-Folded: a\r\n b\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "obs-fold of Transfer-Encoding",
            post
                + "Content-Length: 4\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"
                + SMUGGLED),
        Arguments.of(
            "whitespace before the first field",
            get + " X-Lead: a\r\nHost: gw\r\nX-Test-Marker: " + M1 + "\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "bare LF line ends",
            "GET " + PATH + " HTTP/1.1\nHost: gw\nX-Test-Marker: " + M1 + "\n\n" + SMUGGLED),
        Arguments.of(
            "one bare LF",
            get + "Host: gw\r\nX-A: b\nX-Test-Marker: " + M1 + "\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "a bare CR", get + "Host: gw\r\nX-A: b\rX-Test-Marker: " + M1 + "\r\n\r\n" + SMUGGLED),
        Arguments.of(
            "an invalid field name",
            get + "Host: gw\r\nX A: b\r\nX-Test-Marker: " + M1 + "\r\n\r\n" + SMUGGLED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void ambiguousFramingIsRefusedAndNothingReachesAnUpstream(String name, String template)
      throws Exception {
    String m1 = UUID.randomUUID().toString();
    String m2 = UUID.randomUUID().toString();
    RawHttp.Exchange exchange = RawHttp.send(base, template.replace(M1, m1).replace(M2, m2));

    assertThat(exchange.status()).as(exchange.response()).isEqualTo(400);
    assertThat(exchange.responses())
        .as("one answer, not one per smuggled request: " + exchange.response())
        .isEqualTo(1);
    assertThat(exchange.response()).contains("Connection: close");
    assertThat(exchange.response()).contains("application/problem+json");
    assertThat(exchange.response()).contains("X-Content-Type-Options: nosniff");
    assertThat(exchange.closed()).as("the connection is closed").isTrue();
    Thread.sleep(100);
    assertThat(upstreams.heads(m1)).as("the request reached no upstream").isEmpty();
    assertThat(upstreams.heads(m2)).as("the smuggled request reached no upstream").isEmpty();
  }

  @Test
  void aBadChunkAfterAGoodHeadIsRefusedAndTheRequestNeverCompletesUpstream() throws Exception {
    String m1 = UUID.randomUUID().toString();
    String m2 = UUID.randomUUID().toString();
    RawHttp.Exchange exchange =
        RawHttp.send(
            base,
            "POST "
                + PATH
                + " HTTP/1.1\r\nHost: gw\r\nX-Test-Marker: "
                + m1
                + "\r\nTransfer-Encoding: chunked\r\n\r\n4x\r\nabcd\r\n0\r\n\r\n"
                + SMUGGLED.replace(M2, m2));
    assertThat(exchange.status()).as(exchange.response()).isIn(400, 502);
    assertThat(exchange.closed()).isTrue();
    Thread.sleep(100);
    assertThat(upstreams.completed(m1)).isEmpty();
    assertThat(upstreams.heads(m2)).isEmpty();
  }

  @Test
  void wellFramedRequestsStillPassOnOneConnection() throws Exception {
    String m1 = UUID.randomUUID().toString();
    String m2 = UUID.randomUUID().toString();
    RawHttp.Exchange exchange =
        RawHttp.send(
            base,
            "POST "
                + PATH
                + " HTTP/1.1\r\nHost: gw\r\nX-Test-Marker: "
                + m1
                + "\r\nTransfer-Encoding: Chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"
                + "POST "
                + PATH
                + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Test-Marker: "
                + m2
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    assertThat(exchange.responses()).as(exchange.response()).isEqualTo(2);
    assertThat(exchange.status()).isEqualTo(200);
    assertThat(upstreams.only(m1).bodyLength()).isEqualTo(4);
    assertThat(upstreams.only(m2).bodyLength()).isEqualTo(2);
  }
}
