package dev.bazaar.gateway.protect;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The request-header deadline: a connection whose request head is not complete within {@code
 * bazaar.gateway.protect.header-deadline} is closed (slowloris protection). Vert.x's idle timeout
 * alone does not do this, because every byte resets it, and Vert.x has no option for it.
 *
 * <p>How: a Netty handler on the HTTP server's listening channel puts a {@link ConnectionDeadline}
 * first into every accepted connection's pipeline. It starts a timer when the connection opens (and
 * again at the first byte read while no request is in progress); the router tells it when a request
 * head has been parsed ({@link #headReceived}) and when the exchange is over. Reaching the
 * listening channel needs Vert.x internals ({@link ListeningChannels}); if they change, start-up
 * logs a warning and the gateway runs without the deadline, which {@code SlowClientTest} would
 * catch.
 */
@Singleton
public class HeaderDeadline {

  private static final Logger LOG = Logger.getLogger(HeaderDeadline.class);
  private static final String HANDLER = "bazaar-header-deadline";
  private static final AttributeKey<ConnectionDeadline> DEADLINE =
      AttributeKey.valueOf("bazaar.header-deadline");

  private final Vertx vertx;
  private final long deadlineNanos;
  private final Acceptor acceptor = new Acceptor();

  public HeaderDeadline(Vertx vertx, ProtectConfig config) {
    this.vertx = vertx;
    this.deadlineNanos = config.headerDeadline().toNanos();
  }

  void onStart(@Observes StartupEvent event) {
    if (deadlineNanos > 0) {
      ListeningChannels.installOnEach(vertx, HANDLER, acceptor);
    }
  }

  /** First on every request: marks the head as arrived and the exchange's end. */
  void mount(@Observes Router router) {
    if (deadlineNanos > 0) {
      router.route().order(Integer.MIN_VALUE).handler(this::track);
    }
  }

  private void track(RoutingContext context) {
    ConnectionDeadline deadline = deadlineOf(context.request().connection());
    if (deadline != null) {
      deadline.headReceived();
      context.addEndHandler(ar -> deadline.exchangeEnded());
    }
    context.next();
  }

  private static ConnectionDeadline deadlineOf(HttpConnection connection) {
    // A channel attribute rather than a pipeline lookup by name: this runs for every request.
    return connection instanceof ConnectionBase base ? base.channel().attr(DEADLINE).get() : null;
  }

  /** Sits on the listening channel and equips each accepted connection. */
  @ChannelHandler.Sharable
  private final class Acceptor extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) {
        ConnectionDeadline deadline = new ConnectionDeadline(deadlineNanos);
        child.attr(DEADLINE).set(deadline);
        child.pipeline().addFirst(HANDLER, deadline);
      }
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * One connection's deadline. All methods run on the connection's event loop: Netty calls the
   * handler methods there, and Vert.x runs the request handlers of a connection on it as well.
   */
  static final class ConnectionDeadline extends ChannelInboundHandlerAdapter {
    private final long deadlineNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private int inFlight;

    ConnectionDeadline(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
      arm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (inFlight == 0 && timer == null) {
        arm();
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      disarm();
      ctx.fireChannelInactive();
    }

    void headReceived() {
      if (ctx.executor().inEventLoop()) {
        inFlight++;
        disarm();
      } else {
        ctx.executor().execute(this::headReceived);
      }
    }

    void exchangeEnded() {
      if (ctx.executor().inEventLoop()) {
        inFlight = Math.max(0, inFlight - 1);
      } else {
        ctx.executor().execute(this::exchangeEnded);
      }
    }

    private void arm() {
      timer =
          ctx.executor()
              .schedule(
                  () -> {
                    timer = null;
                    if (inFlight == 0 && ctx.channel().isActive()) {
                      LOG.debugf(
                          "closing %s: request head not complete within %d ms",
                          ctx.channel().remoteAddress(),
                          TimeUnit.NANOSECONDS.toMillis(deadlineNanos));
                      ctx.close();
                    }
                  },
                  deadlineNanos,
                  TimeUnit.NANOSECONDS);
    }

    private void disarm() {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
    }
  }
}
