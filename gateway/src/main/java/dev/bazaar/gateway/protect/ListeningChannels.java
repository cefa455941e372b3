package dev.bazaar.gateway.protect;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.AttributeKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.impl.TCPServerBase;
import java.lang.reflect.Field;
import org.jboss.logging.Logger;

/**
 * Puts a handler first on the listening channel of every HTTP server of this Vert.x instance, where
 * it sees each accepted connection before Vert.x configures it. Servers start one after the other
 * (plain HTTP, then HTTPS), so the servers are looked for every 100 ms during the first {@value
 * #SCAN_MILLIS} ms after start, and each gets the handler once. Reaching the listening channel
 * needs Vert.x internals ({@code TCPServerBase.bindFuture}, read reflectively); if they change, a
 * warning is logged and the tests of the handlers' effects fail.
 */
final class ListeningChannels {

  private static final Logger LOG = Logger.getLogger(ListeningChannels.class);
  static final long SCAN_MILLIS = 10_000;
  private static final long PERIOD_MILLIS = 100;

  private ListeningChannels() {}

  static void installOnEach(Vertx vertx, String name, ChannelHandler handler) {
    AttributeKey<Boolean> installed = AttributeKey.valueOf("bazaar." + name + ".installed");
    scan(vertx, name, handler, installed, 0);
  }

  private static void scan(
      Vertx vertx, String name, ChannelHandler handler, AttributeKey<Boolean> key, long elapsed) {
    int found = 0;
    for (HttpServerImpl server : ((VertxInternal) vertx).sharedHttpServers().values()) {
      Channel channel = listeningChannel(server);
      if (channel == null) {
        continue;
      }
      found++;
      if (channel.attr(key).setIfAbsent(Boolean.TRUE) == null) {
        channel.pipeline().addFirst(name, handler);
        LOG.debugf("%s installed on %s", name, channel.localAddress());
      }
    }
    if (elapsed < SCAN_MILLIS) {
      vertx.setTimer(PERIOD_MILLIS, id -> scan(vertx, name, handler, key, elapsed + PERIOD_MILLIS));
    } else if (found == 0) {
      LOG.warnf("%s could not be installed: no listening HTTP server", name);
    }
  }

  private static Channel listeningChannel(TCPServerBase server) {
    try {
      Field field = TCPServerBase.class.getDeclaredField("bindFuture");
      field.setAccessible(true);
      Object future = field.get(server);
      if (future instanceof Future<?> f && f.succeeded() && f.result() instanceof Channel c) {
        return c;
      }
      return null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warnf("cannot reach the listening channel: Vert.x internals changed (%s)", e.toString());
      return null;
    }
  }
}
