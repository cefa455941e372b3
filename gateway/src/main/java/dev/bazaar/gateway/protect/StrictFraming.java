package dev.bazaar.gateway.protect;

import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.security.SecurityHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Strict HTTP/1.1 framing at the edge (RFC 9112): a request head that is ambiguous or invalid is
 * answered 400 (problem+json, {@code Connection: close}), the connection is closed, and nothing of
 * it, or of anything sent after it on that connection, reaches the router, let alone an upstream.
 *
 * <p>How: every accepted connection gets Vert.x' HTTP/1.1 decoder replaced by a {@link
 * StrictRequestDecoder}, followed by a handler that holds each decoded head to the {@link
 * FramingRules}. Vert.x adds its decoder only once it knows the protocol (after the TLS handshake
 * and ALPN, or after sniffing for an HTTP/2 preface in clear text), so a small placer handler is
 * added at accept, at the end of the pipeline as it is then: the decoder Vert.x adds later comes
 * after it, and the placer swaps it on the first bytes it passes on, before the decoder saw any. An
 * HTTP/2 connection has no such decoder (its framing is binary) and is left alone. The listening
 * channel is reached as in {@link HeaderDeadline}; if Vert.x' internals change, start-up logs a
 * warning and {@code StrictFramingTest} fails.
 */
@Singleton
public class StrictFraming {

  private static final Logger LOG = Logger.getLogger(StrictFraming.class);
  private static final String ACCEPTOR = "bazaar-strict-framing-acceptor";
  private static final String PLACER = "bazaar-strict-framing-placer";
  private static final String GUARD = "bazaar-strict-framing";
  private static final String VERTX_DECODER = "httpDecoder";

  private final Vertx vertx;
  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private final int maxChunkSize;
  private final Acceptor acceptor = new Acceptor();

  public StrictFraming(
      Vertx vertx,
      @ConfigProperty(name = "quarkus.http.limits.max-initial-line-length", defaultValue = "4096")
          int maxInitialLineLength,
      @ConfigProperty(name = "quarkus.http.limits.max-header-size", defaultValue = "20K")
          io.quarkus.runtime.configuration.MemorySize maxHeaderSize,
      @ConfigProperty(name = "quarkus.http.limits.max-chunk-size", defaultValue = "8K")
          io.quarkus.runtime.configuration.MemorySize maxChunkSize) {
    this.vertx = vertx;
    this.maxInitialLineLength = maxInitialLineLength;
    this.maxHeaderSize = (int) maxHeaderSize.asLongValue();
    this.maxChunkSize = (int) maxChunkSize.asLongValue();
  }

  void onStart(@Observes StartupEvent event) {
    ListeningChannels.installOnEach(vertx, ACCEPTOR, acceptor);
  }

  /** Sits on the listening channel and equips each accepted connection. */
  @ChannelHandler.Sharable
  private final class Acceptor extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        child.pipeline().addLast(PLACER, new Placer(false));
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * Swaps in the strict decoder. Added before Vert.x configures the connection; each time Vert.x
   * adds handlers later they go after this one, so it sees every byte before the decoder does.
   */
  private final class Placer extends ChannelInboundHandlerAdapter {

    /** Whether this one waits behind the handlers present at activation. */
    private final boolean late;

    Placer(boolean late) {
      this.late = late;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ChannelPipeline pipeline = ctx.pipeline();
      if (!late) {
        if (!swap(pipeline)) {
          // The decoder comes later (TLS, HTTP/2 sniffing): wait for it behind what is there
          // now, so that the handlers Vert.x adds then come after this one.
          pipeline.addLast(PLACER + "-late", new Placer(true));
        }
        pipeline.remove(this);
      }
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ChannelPipeline pipeline = ctx.pipeline();
      // Whatever protocol the connection ended up with, this handler has done its part once bytes
      // flow past it towards the protocol handlers: remove it before passing them on.
      boolean http2 = pipeline.get("handler") != null && pipeline.get(VERTX_DECODER) == null;
      if (swap(pipeline) || http2) {
        pipeline.remove(this);
      }
      ctx.fireChannelRead(msg);
    }

    private boolean swap(ChannelPipeline pipeline) {
      ChannelHandler decoder = pipeline.get(VERTX_DECODER);
      if (decoder == null) {
        return false;
      }
      if (!(decoder instanceof StrictRequestDecoder)) {
        pipeline.replace(
            VERTX_DECODER,
            VERTX_DECODER,
            new StrictRequestDecoder(maxInitialLineLength, maxHeaderSize, maxChunkSize));
        pipeline.addAfter(VERTX_DECODER, GUARD, new Guard());
      }
      return true;
    }
  }

  /** Holds each decoded head to the rules; after a violation, drops everything that follows. */
  static final class Guard extends ChannelInboundHandlerAdapter {
    private boolean rejected;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (rejected) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
        reject(ctx, msg, problemFor(object.decoderResult().cause()));
        return;
      }
      if (msg instanceof HttpRequest request) {
        String violation = FramingRules.violation(request);
        if (violation != null) {
          reject(ctx, msg, Problem.of(ProblemType.BAD_REQUEST, violation));
          return;
        }
      }
      ctx.fireChannelRead(msg);
    }

    private void reject(ChannelHandlerContext ctx, Object msg, Problem problem) {
      rejected = true;
      ReferenceCountUtil.release(msg);
      LOG.debugf("rejected a request from %s: %s", ctx.channel().remoteAddress(), problem.detail());
      // A complete response written from here goes around Vert.x' encoder, which comes later in
      // the pipeline and never learns of this request.
      ctx.writeAndFlush(response(problem)).addListener(ChannelFutureListener.CLOSE);
      ctx.channel().config().setAutoRead(false);
    }

    private static Problem problemFor(Throwable cause) {
      if (cause instanceof TooLongHttpLineException) {
        return Problem.of(ProblemType.URI_TOO_LONG, "The request line is too long.");
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return Problem.of(ProblemType.HEADERS_TOO_LARGE, "The request headers are too large.");
      }
      if (cause instanceof TooLongFrameException) {
        return Problem.of(ProblemType.BAD_REQUEST, "A part of the request is too long.");
      }
      return Problem.of(ProblemType.BAD_REQUEST, "The request is not valid HTTP/1.1 framing.");
    }

    static ByteBuf response(Problem problem) {
      var json = problem.toJson(null, null);
      json.remove("instance"); // no request path: the request was never read as one
      byte[] body = json.encode().getBytes(StandardCharsets.UTF_8);
      StringBuilder head =
          new StringBuilder()
              .append("HTTP/1.1 ")
              .append(problem.status())
              .append(' ')
              .append(problem.type().title())
              .append("\r\nContent-Type: ")
              .append(Problem.CONTENT_TYPE)
              .append("\r\nContent-Length: ")
              .append(body.length)
              .append("\r\nConnection: close\r\n");
      for (Map.Entry<String, String> header : SecurityHeaders.ALWAYS.entrySet()) {
        head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
      }
      head.append("\r\n");
      ByteBuf buf = Unpooled.buffer(head.length() + body.length);
      buf.writeCharSequence(head, StandardCharsets.US_ASCII);
      buf.writeBytes(body);
      return buf;
    }
  }
}
