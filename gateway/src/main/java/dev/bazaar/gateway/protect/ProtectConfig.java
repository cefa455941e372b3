package dev.bazaar.gateway.protect;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Protection against slow clients ({@code bazaar.gateway.protect.*}). */
@ConfigMapping(prefix = "bazaar.gateway.protect")
public interface ProtectConfig {

  /**
   * Time a client has to send a complete request head, counted from the connection's accept (or, on
   * a kept-alive connection, from the first byte of the next request). A client that trickles its
   * headers is cut off after this, however often it sends a byte. {@code 0s} turns it off.
   */
  @WithDefault("10s")
  Duration headerDeadline();
}
