/*
 * The floor of a JVM/Vert.x reverse proxy on this machine: a bare Vert.x 4.5 core proxy, run from
 * the jars the gateway ships, with none of the gateway's features (no routing, auth, limits,
 * logging, metrics or resilience). Its req/s and CPU µs/req next to the gateway's split the
 * gateway's cost into the platform's share (JVM, Netty, Vert.x HTTP) and the features' share.
 *
 *   java -cp "<vertx-core, io.netty.*, jackson-core jars>" bench/gateway/FloorProxy.java \
 *       <listenPort> <upstreamHost> <upstreamPort>
 *
 * One verticle per available CPU, each with its own HttpServer (sharing the port) and its own
 * keep-alive pooled HttpClient, so a request and its upstream connection share an event loop.
 * Nothing is printed per request.
 */
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

public class FloorProxy extends AbstractVerticle {

  /** Hop-by-hop headers (RFC 9110 7.6.1): Vert.x writes its own framing on each side. */
  private static final Set<String> HOP_BY_HOP = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

  static {
    String names = "connection keep-alive transfer-encoding te trailer upgrade proxy-connection";
    Collections.addAll(HOP_BY_HOP, (names + " proxy-authenticate proxy-authorization").split(" "));
  }

  private static String[] argv; // listenPort upstreamHost upstreamPort

  private HttpClient client;

  public static void main(String[] args) {
    argv = args;
    int loops = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    vertx
        .deployVerticle(FloorProxy.class, new DeploymentOptions().setInstances(loops))
        .onSuccess(
            id -> System.out.println("floor proxy on :" + args[0] + ", " + loops + " loop(s)"))
        .onFailure(FloorProxy::die);
  }

  @Override
  public void start() {
    // Created on this verticle's event loop: its pooled connections stay on that loop.
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setKeepAlive(true)
                .setDefaultHost(argv[1])
                .setDefaultPort(Integer.parseInt(argv[2])),
            new PoolOptions().setHttp1MaxSize(64));
    vertx
        .createHttpServer(
            new HttpServerOptions().setPort(Integer.parseInt(argv[0])).setHost("127.0.0.1"))
        .requestHandler(this::forward)
        .listen()
        .onFailure(FloorProxy::die);
  }

  private void forward(HttpServerRequest req) {
    req.pause(); // the upstream connection is leased asynchronously; hold the body until then
    HttpServerResponse res = req.response();
    MultiMap headers = HttpHeaders.headers();
    copyEndToEnd(req.headers(), headers); // Content-Length included: it is end-to-end
    RequestOptions options =
        new RequestOptions().setMethod(req.method()).setURI(req.uri()).setHeaders(headers);
    client
        .request(options)
        .onSuccess(
            creq -> {
              res.closeHandler(v -> creq.reset()); // client gone: drop the upstream exchange
              creq.exceptionHandler(e -> fail(res));
              creq.response().onSuccess(cres -> relay(cres, res)).onFailure(e -> fail(res));
              if (req.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                creq.setChunked(true);
              }
              req.exceptionHandler(e -> creq.reset());
              stream(req, creq, () -> false);
            })
        .onFailure(e -> fail(res));
  }

  private static void relay(HttpClientResponse cres, HttpServerResponse res) {
    res.setStatusCode(cres.statusCode()).setStatusMessage(cres.statusMessage());
    copyEndToEnd(cres.headers(), res.headers());
    if (cres.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
      res.setChunked(true);
    }
    cres.exceptionHandler(e -> fail(res));
    stream(cres, res, res::closed);
  }

  /** Copies {@code from} to {@code to} with back-pressure, then ends it; stops once it is gone. */
  private static void stream(
      ReadStream<Buffer> from, WriteStream<Buffer> to, BooleanSupplier gone) {
    from.handler(
        chunk -> {
          if (!gone.getAsBoolean()) {
            to.write(chunk);
            if (to.writeQueueFull()) {
              from.pause();
              to.drainHandler(v -> from.resume());
            }
          }
        });
    from.endHandler(
        v -> {
          if (!gone.getAsBoolean()) {
            to.end();
          }
        });
    from.resume();
  }

  private static void fail(HttpServerResponse res) {
    if (res.closed() || res.ended()) {
      return;
    }
    if (res.headWritten()) {
      res.reset(); // mid-body: the client must see a broken response, not a short one
    } else {
      res.setStatusCode(502).end();
    }
  }

  /** Copies end-to-end headers; hop-by-hop ones and those a Connection header names stay behind. */
  private static void copyEndToEnd(MultiMap from, MultiMap to) {
    String connection = from.get(HttpHeaders.CONNECTION);
    for (Map.Entry<String, String> h : from) {
      String name = h.getKey();
      if (!HOP_BY_HOP.contains(name) && !nominated(connection, name)) {
        to.add(name, h.getValue());
      }
    }
  }

  private static void die(Throwable e) {
    e.printStackTrace();
    System.exit(1);
  }

  private static boolean nominated(String connection, String name) {
    return connection != null
        && Arrays.stream(connection.split(",")).anyMatch(t -> t.trim().equalsIgnoreCase(name));
  }
}
