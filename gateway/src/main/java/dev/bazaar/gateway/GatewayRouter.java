package dev.bazaar.gateway;

import dev.bazaar.gateway.accesslog.AccessLog;
import dev.bazaar.gateway.metrics.GatewayMetrics;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.pipeline.ProxyForwarder;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import io.quarkus.arc.All;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Mounts the gateway on every path under {@code /api}: each request becomes an {@link Exchange}
 * that runs through the filters and ends in the {@link ProxyForwarder}. Paths outside {@code /api}
 * ({@code /q/health}, later the storefront) are left to Quarkus; a path nobody answers gets a 404
 * problem.
 */
@Singleton
public class GatewayRouter {

  /** Everything under this prefix is the gateway's; nothing there falls through to Quarkus. */
  public static final String API_ROOT = "/api";

  /**
   * Runs before Quarkus' own upload-limit handler so that an oversized body is answered with our
   * problem+json rather than a bare 413.
   */
  static final int ROUTE_ORDER = RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1;

  private static final Logger LOG = Logger.getLogger(GatewayRouter.class);

  private final List<GatewayFilter> filters;
  private final ProxyForwarder forwarder;
  private final AccessLog accessLog;
  private final GatewayMetrics metrics;

  public GatewayRouter(
      @All List<GatewayFilter> filters,
      ProxyForwarder forwarder,
      AccessLog accessLog,
      GatewayMetrics metrics) {
    this.filters = filters.stream().sorted(Comparator.comparingInt(GatewayFilter::order)).toList();
    this.forwarder = forwarder;
    this.accessLog = accessLog;
    this.metrics = metrics;
  }

  void mount(@Observes Router router) {
    router
        .routeWithRegex("^" + API_ROOT + "(/.*)?$")
        .order(ROUTE_ORDER)
        .handler(this::handle)
        .failureHandler(this::fail);
    // Whatever no route (ours or Quarkus' /q endpoints) answered: a problem, not an HTML page.
    router.route().order(Integer.MAX_VALUE).handler(this::noRoute);
  }

  void noRoute(RoutingContext context) {
    if (context.response().ended()) {
      return;
    }
    context
        .response()
        .setStatusCode(ProblemType.NOT_FOUND.status())
        .putHeader("Content-Type", Problem.CONTENT_TYPE)
        .end(
            Problem.of(ProblemType.NOT_FOUND, "No route for " + context.request().path() + ".")
                .toJson(context.request().path(), null)
                .toBuffer());
  }

  void handle(RoutingContext context) {
    // Take over flow control of the body: it is read only once the upstream is ready for it.
    context.request().pause();
    Exchange exchange = new Exchange(context, System.nanoTime());
    context.put(Exchange.class.getName(), exchange);
    context.addEndHandler(
        ar -> {
          accessLog.log(exchange, ar.succeeded());
          metrics.requestCompleted(
              exchange.route() == null ? null : exchange.route().name(),
              exchange.response().headWritten() ? exchange.response().getStatusCode() : 0,
              System.nanoTime() - exchange.startNanos());
        });
    new FilterChain(filters, forwarder::forward).proceed(exchange);
  }

  void fail(RoutingContext context) {
    Exchange exchange = context.get(Exchange.class.getName());
    Throwable failure = context.failure();
    if (failure != null) {
      LOG.errorf(failure, "gateway pipeline failed for %s", context.normalizedPath());
    }
    if (exchange == null) {
      // Failed before the exchange existed: answer without it.
      context
          .response()
          .setStatusCode(ProblemType.INTERNAL_ERROR.status())
          .putHeader("Content-Type", Problem.CONTENT_TYPE)
          .end(
              Problem.of(ProblemType.INTERNAL_ERROR, "The gateway failed to handle the request.")
                  .toJson(context.normalizedPath(), null)
                  .toBuffer());
      return;
    }
    exchange.reject(
        Problem.of(ProblemType.INTERNAL_ERROR, "The gateway failed to handle the request."));
  }
}
