package dev.bazaar.gateway.aggregate;

import dev.bazaar.gateway.fetch.FetchException;
import dev.bazaar.gateway.fetch.Fetched;
import dev.bazaar.gateway.fetch.Responses;
import dev.bazaar.gateway.fetch.UpstreamFetcher;
import dev.bazaar.gateway.pipeline.Exchange;
import dev.bazaar.gateway.pipeline.FilterChain;
import dev.bazaar.gateway.pipeline.GatewayFilter;
import dev.bazaar.gateway.problem.Problem;
import dev.bazaar.gateway.problem.ProblemType;
import dev.bazaar.gateway.upstream.Upstreams;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/v1/orders/{id}/details}: the order (from orders, with the caller's credentials)
 * with each item's current product (from catalog) and the payment (from payments), the latter two
 * fetched in parallel. The order is required: its error, such as 404, is the answer. Products and
 * payment are optional: a part that fails, or whose upstream is not configured, is {@code
 * {"status":"unavailable"}} and the answer is still 200.
 */
@Singleton
public class OrderDetailsFilter implements GatewayFilter {

  /** Last before forwarding: authentication and limits apply to the composed endpoint too. */
  public static final int ORDER_AGGREGATE = 900;

  static final Pattern PATH = Pattern.compile("^/api/v1/orders/([^/]+)/details$");

  private static final Logger LOG = Logger.getLogger(OrderDetailsFilter.class);

  private final AggregateConfig.OrderDetails config;
  private final Upstreams upstreams;
  private final UpstreamFetcher fetcher;

  public OrderDetailsFilter(AggregateConfig config, Upstreams upstreams, UpstreamFetcher fetcher) {
    this.config = config.orderDetails();
    this.upstreams = upstreams;
    this.fetcher = fetcher;
  }

  /** A part that could not be had. */
  static JsonObject unavailable() {
    return new JsonObject().put("status", "unavailable");
  }

  @Override
  public int order() {
    return ORDER_AGGREGATE;
  }

  @Override
  public void filter(Exchange exchange, FilterChain chain) {
    Matcher m = PATH.matcher(exchange.path());
    if (!config.enabled() || !m.matches() || !exchange.request().method().equals(HttpMethod.GET)) {
      chain.proceed(exchange);
      return;
    }
    if (!upstreams.contains(config.ordersUpstream())) {
      exchange.reject(
          Problem.of(
              ProblemType.UPSTREAM_UNAVAILABLE,
              "Upstream '" + config.ordersUpstream() + "' is not configured."));
      return;
    }
    String orderId = m.group(1);
    MultiMap headers = partHeaders(exchange);
    fetch(config.ordersUpstream(), "/api/v1/orders/" + orderId, headers)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                exchange.reject(
                    ar.cause() instanceof FetchException fe
                        ? fe.problem()
                        : Problem.of(ProblemType.BAD_GATEWAY, "The order could not be read."));
                return;
              }
              Fetched order = ar.result();
              JsonObject json = order.status() == 200 ? parseObject(order) : null;
              if (json == null) {
                // Not found, forbidden, or not an order: the caller sees what orders said.
                Responses.send(exchange, order.status(), order.headers(), order.body());
                return;
              }
              compose(exchange, orderId, json, headers);
            });
  }

  private void compose(Exchange exchange, String orderId, JsonObject order, MultiMap headers) {
    JsonArray items = order.getJsonArray("items", new JsonArray());
    Map<String, Future<JsonObject>> products = new LinkedHashMap<>();
    for (Object item : items) {
      if (item instanceof JsonObject line && line.getValue("productId") != null) {
        String productId = String.valueOf(line.getValue("productId"));
        products.computeIfAbsent(
            productId,
            id ->
                optionalPart(
                    config.catalogUpstream(),
                    "/api/v1/products/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
                    headers));
      }
    }
    Future<JsonObject> payment =
        optionalPart(
                config.paymentsUpstream(),
                "/api/v1/payments?orderId=" + URLEncoder.encode(orderId, StandardCharsets.UTF_8),
                headers)
            .map(OrderDetailsFilter::payment);
    List<Future<JsonObject>> all = new ArrayList<>(products.values());
    all.add(payment);
    // Optional parts never fail (they turn into "unavailable"), so this waits for every one.
    Future.join(all)
        .onComplete(
            done -> {
              JsonObject details = order.copy();
              JsonArray composed = new JsonArray();
              for (Object item : items) {
                if (item instanceof JsonObject line && line.getValue("productId") != null) {
                  composed.add(
                      line.copy()
                          .put(
                              "product",
                              products.get(String.valueOf(line.getValue("productId"))).result()));
                } else {
                  composed.add(item);
                }
              }
              details.put("items", composed);
              details.put("payment", payment.result());
              MultiMap out =
                  MultiMap.caseInsensitiveMultiMap()
                      .add(HttpHeaders.CONTENT_TYPE, "application/json")
                      .add(HttpHeaders.CACHE_CONTROL, "private, no-store");
              Responses.send(exchange, 200, out, details.toBuffer());
            });
  }

  /** The JSON object of a 200 part, or {@code unavailable} for anything else; never fails. */
  private Future<JsonObject> optionalPart(String upstream, String pathAndQuery, MultiMap headers) {
    if (!upstreams.contains(upstream)) {
      return Future.succeededFuture(unavailable());
    }
    return fetch(upstream, pathAndQuery, headers)
        .map(
            fetched -> {
              if (fetched.status() != 200) {
                LOG.debugf("%s %s answered %d", upstream, pathAndQuery, fetched.status());
                return unavailable();
              }
              JsonObject json = parseObject(fetched);
              return json == null ? unavailable() : json;
            })
        .otherwise(
            failure -> {
              LOG.debugf("%s %s failed: %s", upstream, pathAndQuery, failure.toString());
              return unavailable();
            });
  }

  /**
   * The payment part from payments' answer {@code {"items": [PaymentView]}} (at most one per
   * order): that item, or {@code {"status":"none"}} when the order has no payment yet; any other
   * object, such as {@code unavailable}, as it is.
   */
  static JsonObject payment(JsonObject answer) {
    if (answer.getValue("items") instanceof JsonArray items) {
      if (items.isEmpty()) {
        return new JsonObject().put("status", "none");
      }
      return items.getValue(0) instanceof JsonObject first ? first : unavailable();
    }
    return answer;
  }

  private Future<Fetched> fetch(String upstream, String pathAndQuery, MultiMap headers) {
    return fetcher.get(upstreams.get(upstream), pathAndQuery, headers, config.timeout());
  }

  /**
   * The body as a JSON object; a JSON array (a list endpoint such as payments by order) yields its
   * first element, or {@code {"status":"none"}} when empty. {@code null} when it is not JSON.
   */
  static JsonObject parseObject(Fetched fetched) {
    try {
      Object value = fetched.body().toJson();
      if (value instanceof JsonObject object) {
        return object;
      }
      if (value instanceof JsonArray array) {
        if (array.isEmpty()) {
          return new JsonObject().put("status", "none");
        }
        return array.getValue(0) instanceof JsonObject first ? first : null;
      }
      return null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static MultiMap partHeaders(Exchange exchange) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    MultiMap from = exchange.upstreamHeaders();
    for (String name :
        List.of(
            HttpHeaders.AUTHORIZATION.toString(),
            "X-Request-Id",
            "traceparent",
            "tracestate",
            "Accept-Language")) {
      if (from.contains(name)) {
        headers.set(name, from.getAll(name));
      }
    }
    headers.set(HttpHeaders.ACCEPT, "application/json");
    return headers;
  }
}
