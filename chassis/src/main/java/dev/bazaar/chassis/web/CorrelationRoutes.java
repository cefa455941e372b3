package dev.bazaar.chassis.web;

import dev.bazaar.chassis.problem.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * HTTP wiring of {@link Correlation}: every request gets a request id and a trace context before
 * any handler runs, and a request no route answers gets a 404 problem instead of an HTML page.
 */
@ApplicationScoped
public class CorrelationRoutes {

  void install(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            ctx -> {
              String requestId =
                  Correlation.requestIdOrNew(
                      ctx.request().getHeader(Correlation.REQUEST_ID_HEADER));
              String traceparent =
                  Correlation.continueOrStartTrace(
                      ctx.request().getHeader(Correlation.TRACEPARENT_HEADER));
              ctx.request().headers().set(Correlation.REQUEST_ID_HEADER, requestId);
              ctx.request().headers().set(Correlation.TRACEPARENT_HEADER, traceparent);
              ctx.response().putHeader(Correlation.REQUEST_ID_HEADER, requestId);
              Correlation.bind(requestId, traceparent);
              ctx.next();
            });
    router
        .route()
        .order(Integer.MAX_VALUE)
        .handler(
            ctx -> {
              if (ctx.response().ended()) {
                return;
              }
              JsonObject body =
                  new JsonObject()
                      .put("type", Problem.type("not-found"))
                      .put("title", "Not found")
                      .put("status", 404)
                      .put(
                          "detail",
                          "no route for " + ctx.request().method() + " " + ctx.request().path())
                      .put("instance", ctx.request().path())
                      .put("requestId", ctx.request().getHeader(Correlation.REQUEST_ID_HEADER));
              ctx.response()
                  .setStatusCode(404)
                  .putHeader("Content-Type", Problem.MEDIA_TYPE)
                  .end(body.encode());
            });
  }
}
