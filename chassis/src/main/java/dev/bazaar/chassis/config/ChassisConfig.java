package dev.bazaar.chassis.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings every service shares; each key is documented in docs/configuration.md. */
public final class ChassisConfig {

  private ChassisConfig() {}

  /** Broker connection. */
  @ConfigMapping(prefix = "bazaar.amqp")
  public interface Amqp {
    /** AMQP 0-9-1 URI of the broker, env BAZAAR_AMQP_URL. */
    @WithDefault("amqp://guest:guest@127.0.0.1:5673/")
    String url();
  }

  /** Outbox relay. */
  @ConfigMapping(prefix = "bazaar.outbox")
  public interface Outbox {
    /** How often the relay looks for unsent rows when nothing woke it. */
    @WithDefault("100ms")
    Duration pollInterval();

    /** Rows published per confirm round trip. */
    @WithDefault("100")
    int batchSize();

    /** How long sent rows are kept for inspection. */
    @WithDefault("7d")
    Duration retention();
  }

  /** Inbox consumers. */
  @ConfigMapping(prefix = "bazaar.inbox")
  public interface Inbox {
    /** Failed handling attempts before a message is parked on {@code <queue>.parked}. */
    @WithDefault("5")
    int maxAttempts();

    /** Unacked deliveries per consumer. */
    @WithDefault("32")
    int prefetch();
  }
}
