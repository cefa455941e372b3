package dev.bazaar.gateway.aggregate;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The gateway's composed endpoints ({@code bazaar.gateway.aggregate.*}). */
@ConfigMapping(prefix = "bazaar.gateway.aggregate")
public interface AggregateConfig {

  /** {@code GET /api/v1/orders/{id}/details}. */
  OrderDetails orderDetails();

  /** Which upstreams the order details are composed from. */
  interface OrderDetails {

    /** Whether the endpoint is served; when off the path is forwarded like any other. */
    @WithDefault("true")
    boolean enabled();

    /** Serves {@code GET /api/v1/orders/{id}}; its errors pass through. */
    @WithDefault("orders")
    String ordersUpstream();

    /** Serves {@code GET /api/v1/products/{id}}; optional part. */
    @WithDefault("catalog")
    String catalogUpstream();

    /** Serves {@code GET /api/v1/payments?orderId=}; optional part, may be unconfigured. */
    @WithDefault("payments")
    String paymentsUpstream();

    /** Time allowed for each part. */
    @WithDefault("5s")
    Duration timeout();
  }
}
