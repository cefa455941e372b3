package dev.bazaar.payments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the payments service (documented in services/payments/README.md). */
@ConfigMapping(prefix = "bazaar.payments")
public interface PaymentsConfig {

  /** How long the simulated provider takes to authorize {@code tok_slow}. */
  @WithDefault("3s")
  Duration slowDelay();

  /**
   * Attempts of a {@code tok_error} authorization that fail transiently before the provider
   * authorizes. Keep it below {@code bazaar.inbox.max-attempts}, or the command is parked instead.
   */
  @WithDefault("2")
  int errorFailures();

  /** How often the poller looks for pending ({@code tok_slow}) authorizations that are due. */
  @WithDefault("200ms")
  Duration pollInterval();

  /**
   * The longest the poller goes without querying when no pending authorization it knows of is due:
   * those this instance records are completed on time; this bounds how late one recorded by another
   * instance that died is completed.
   */
  @WithDefault("8s")
  Duration idlePollMax();

  /** Pending authorizations completed per poller transaction. */
  @WithDefault("50")
  int pollBatchSize();
}
