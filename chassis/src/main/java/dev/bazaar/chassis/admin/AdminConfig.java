package dev.bazaar.chassis.admin;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** The service's operations endpoints ({@code bazaar.admin}); see docs/configuration.md. */
@ConfigMapping(prefix = "bazaar.admin")
public interface AdminConfig {

  /**
   * The queues this service consumes, whose depth, consumers and parked messages its messaging
   * endpoint shows and manages ({@code /api/v1/admin/<service>/messaging}). Unset: none (the
   * service only publishes).
   */
  Optional<List<String>> queues();
}
