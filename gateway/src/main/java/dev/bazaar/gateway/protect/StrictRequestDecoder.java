package dev.bazaar.gateway.protect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import java.util.List;

/**
 * The HTTP/1.1 request decoder the gateway puts in place of Vert.x's: the same messages (Vert.x'
 * header map, so the rest of its pipeline is unchanged), but strict where the default is lenient.
 *
 * <ul>
 *   <li>Lines end in CRLF only (Netty's strict line parsing): a bare LF or CR is a framing error.
 *   <li>{@code Transfer-Encoding} together with {@code Content-Length} is an error, where Netty
 *       would drop the length and go on.
 *   <li>Obsolete line folding (a header line starting with a space or tab, RFC 9112 §5.2) and
 *       whitespace between the start line and the first field (§2.2) are errors. Netty would join
 *       the folded line to the previous value, and nothing after decoding could tell.
 *   <li>Duplicate {@code Content-Length}s are errors even when equal.
 * </ul>
 *
 * An error becomes an invalid message ({@link DecoderResult#isFailure()}), which the {@link
 * StrictFraming} handler after this decoder answers with 400; everything after it on the connection
 * is discarded.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

  private boolean inHead = true;
  private boolean headStarted;
  private boolean rejected;

  StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
    super(
        new HttpDecoderConfig()
            .setMaxInitialLineLength(maxInitialLineLength)
            .setMaxHeaderSize(maxHeaderSize)
            .setMaxChunkSize(maxChunkSize)
            .setAllowDuplicateContentLengths(false)
            .setStrictLineParsing(true)
            .setUseRfc9112TransferEncoding(true));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
      throws Exception {
    if (rejected) {
      buffer.skipBytes(buffer.readableBytes());
      return;
    }
    if (inHead && foldedLine(buffer)) {
      reject(buffer, out, new IllegalArgumentException("obsolete line folding in the head"));
      return;
    }
    int before = out.size();
    int readerIndex = buffer.readerIndex();
    super.decode(ctx, buffer, out);
    if (inHead && buffer.readerIndex() > readerIndex) {
      headStarted = true;
    }
    for (int i = before; i < out.size(); i++) {
      Object message = out.get(i);
      if (message instanceof HttpMessage) {
        inHead = false;
      }
      if (message instanceof LastHttpContent) {
        inHead = true;
        headStarted = false;
      }
    }
  }

  /**
   * Whether the head bytes in {@code buffer} hold a line that starts with a space or tab. Netty
   * consumes a head line by line, so the buffer starts at a line start; while nothing of this head
   * was consumed yet it starts at the request line (or at empty lines before it), where leading
   * whitespace is no fold.
   */
  private boolean foldedLine(ByteBuf buffer) {
    int start = buffer.readerIndex();
    int end = buffer.writerIndex();
    boolean requestLineSeen = headStarted;
    if (headStarted && start < end && isBlank(buffer.getByte(start))) {
      return true;
    }
    int lineStart = start;
    for (int i = start; i < end; i++) {
      if (buffer.getByte(i) != '\n') {
        continue;
      }
      int lineLength = i - lineStart;
      boolean empty = lineLength == 0 || (lineLength == 1 && buffer.getByte(lineStart) == '\r');
      if (empty && requestLineSeen) {
        return false; // end of the head: what follows is the body
      }
      if (!empty) {
        requestLineSeen = true;
      }
      lineStart = i + 1;
      if (requestLineSeen && lineStart < end && isBlank(buffer.getByte(lineStart))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBlank(byte b) {
    return b == ' ' || b == '\t';
  }

  private void reject(ByteBuf buffer, List<Object> out, Exception cause) {
    rejected = true;
    buffer.skipBytes(buffer.readableBytes());
    HttpMessage invalid = createInvalidMessage();
    invalid.setDecoderResult(DecoderResult.failure(cause));
    out.add(invalid);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    // RFC 9112 §6.3 lets a server drop the Content-Length; a proxy that does, and forwards, is how
    // CL.TE smuggling starts. Refuse instead.
    throw new IllegalArgumentException("Transfer-Encoding and Content-Length together");
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    // As Vert.x' own decoder does: its header map, which its connection reads without copying.
    return new DefaultHttpRequest(
        HttpVersion.valueOf(initialLine[2]),
        HttpMethod.valueOf(initialLine[0]),
        initialLine[1],
        HeadersMultiMap.httpHeaders());
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpMessage msg) {
    // As Vert.x' decoder: a request's content is never implied empty by its type.
    if (msg != null && msg.getClass() == DefaultHttpRequest.class) {
      return false;
    }
    return super.isContentAlwaysEmpty(msg);
  }
}
