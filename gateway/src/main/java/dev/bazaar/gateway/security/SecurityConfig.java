package dev.bazaar.gateway.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Response hardening and the management endpoints ({@code bazaar.gateway.security.*}). */
@ConfigMapping(prefix = "bazaar.gateway.security")
public interface SecurityConfig {

  /**
   * {@code max-age} of {@code Strict-Transport-Security}, sent only on responses over TLS (RFC 6797
   * §7.2: a host must not send it over plain HTTP). {@code 0s} tells browsers to forget it.
   */
  @WithDefault("365d")
  Duration hstsMaxAge();

  /**
   * Who may read {@code /q/metrics} on the gateway's port: {@code role:admin} (default; a bearer
   * token with the admin role, as Prometheus can send), {@code authenticated} or {@code public}.
   * {@code /q/health} stays public for probes.
   */
  @WithDefault("role:admin")
  String managementAuth();
}
