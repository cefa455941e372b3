package dev.bazaar.gateway.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The storefront, the operations console and the browser session ({@code bazaar.gateway.web}). */
@ConfigMapping(prefix = "bazaar.gateway.web")
public interface WebConfig {

  /** Serve the storefront at {@code /} and the console at {@code /console}. */
  @WithDefault("true")
  boolean enabled();

  /**
   * Name of the HttpOnly cookie that carries a browser's access token. The gateway turns it into
   * the {@code Authorization} header of the API calls made by the pages.
   */
  @WithDefault("bazaar_session")
  String cookieName();

  /** Upstream that issues tokens ({@code POST /api/v1/auth/token}). */
  @WithDefault("users")
  String tokenUpstream();

  /** How long a login may wait for the token upstream. */
  @WithDefault("5s")
  Duration loginTimeout();

  /**
   * Zipkin, for the console's trace links ({@code <url>/zipkin/traces/<trace id>}); unset hides
   * them. {@code ./bazaar up --tracing} sets it (docs/tracing.md).
   */
  java.util.Optional<String> traceUiUrl();

  /** How often the console's metrics are sampled (the gateway's own and every instance's). */
  @WithDefault("5s")
  Duration metricsInterval();

  /** How much history the console's plots keep, in memory only. */
  @WithDefault("15m")
  Duration metricsWindow();

  /**
   * The launcher's state file (pid, port, state and restarts of every process); unset: {@code
   * launcher.json} beside {@code bazaar.gateway.registry-file}, when that is set.
   */
  java.util.Optional<java.nio.file.Path> launcherState();
}
