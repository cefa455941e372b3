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
    /**
     * How often the relay looks for unsent rows when nothing woke it. Commits in this process wake
     * it at once, and rows it schedules for later wake it when due; the poll only picks up rows
     * another process left (a crashed instance, a lease that ran out).
     */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * The longest wait between unprompted passes of an idle relay: after an empty pass the wait
     * doubles from {@code poll-interval} up to this. Bounds how late rows another process left
     * behind are picked up.
     */
    @WithDefault("8s")
    Duration idlePollMax();

    /** Rows claimed and published per pass. */
    @WithDefault("200")
    int batchSize();

    /** Published rows whose confirm has not arrived yet, at most. */
    @WithDefault("2000")
    int maxInFlight();

    /** How long a claimed row is left to its relay before another pass may claim it again. */
    @WithDefault("30s")
    Duration lease();

    /** How long sent rows are kept for inspection before the retention job deletes them. */
    @WithDefault("1d")
    Duration retention();
  }

  /** Inbox consumers. */
  @ConfigMapping(prefix = "bazaar.inbox")
  public interface Inbox {
    /** Failed handling attempts before a message is parked on {@code <queue>.parked}. */
    @WithDefault("5")
    int maxAttempts();

    /** Unacked deliveries per consumer, and so the largest batch handled in one transaction. */
    @WithDefault("64")
    int prefetch();

    /** First delay of a failed message's retry; it doubles with each attempt. */
    @WithDefault("200ms")
    Duration retryDelay();

    /**
     * How long a handled message's id is kept to drop its duplicates; at least 1h (shorter is
     * refused at start-up): a duplicate can arrive only within about a minute of the original.
     */
    @WithDefault("7d")
    Duration retention();

    /**
     * Accept a message only from the broker user its contract names as sender (the AMQP user-id
     * RabbitMQ validates). Needs one broker user per service.
     */
    @WithDefault("false")
    boolean verifySender();
  }
}
