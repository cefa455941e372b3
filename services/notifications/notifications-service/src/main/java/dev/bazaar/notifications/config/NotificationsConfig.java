package dev.bazaar.notifications.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the notifications service (documented in services/notifications/README.md). */
@ConfigMapping(prefix = "bazaar.notifications")
public interface NotificationsConfig {

  /** Page size of {@code GET /api/v1/notifications} when no {@code limit} is given. */
  @WithDefault("50")
  int defaultLimit();

  /** Largest {@code limit} a caller may ask for. */
  @WithDefault("100")
  int maxLimit();
}
