package dev.bazaar.orders.config;

import dev.bazaar.orders.domain.SagaTimeouts;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the orders service; each key is documented in services/orders/README.md. */
@ConfigMapping(prefix = "bazaar.orders")
public interface OrdersConfig {

  Saga saga();

  Idempotency idempotency();

  Status status();

  /** Clients waiting for an order: {@code Prefer: wait} and the SSE stream of its steps. */
  interface Status {
    /** Longest {@code Prefer: wait} honoured; a longer one waits this long. */
    @WithDefault("30s")
    Duration longestWait();

    /** How often an idle SSE stream sends a comment so that proxies keep it open. */
    @WithDefault("15s")
    Duration heartbeat();

    /** How long one SSE stream may stay open; the client reconnects to go on. */
    @WithDefault("5m")
    Duration streamLimit();
  }

  /** Deadlines of the order saga and the poller that enforces them. */
  interface Saga {
    /** How long catalog may take to answer ReserveStock. */
    @WithDefault("10s")
    Duration reserveTimeout();

    /** How long payments may take to answer AuthorizePayment. */
    @WithDefault("15s")
    Duration paymentTimeout();

    /** How long catalog may take to answer CommitStock. */
    @WithDefault("10s")
    Duration commitTimeout();

    /** How long a compensation may stay unanswered before it is sent again. */
    @WithDefault("30s")
    Duration compensationRetry();

    /** How often the deadline poller looks for orders whose deadline passed. */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * The longest the poller goes without querying when no deadline it knows of is near: deadlines
     * this instance writes are handled on time; this bounds how late one written by another
     * instance that died is handled.
     */
    @WithDefault("8s")
    Duration idlePollMax();

    /** Orders handled per poll at most (each in its own transaction). */
    @WithDefault("100")
    int pollBatch();

    default SagaTimeouts timeouts() {
      return new SagaTimeouts(
          reserveTimeout(), paymentTimeout(), commitTimeout(), compensationRetry());
    }
  }

  /** {@code Idempotency-Key} of POST /api/v1/orders. */
  interface Idempotency {
    /** How long a key is remembered; at least 24h. */
    @WithDefault("48h")
    Duration retention();

    /** How often expired keys are deleted. */
    @WithDefault("1h")
    Duration cleanupInterval();
  }
}
