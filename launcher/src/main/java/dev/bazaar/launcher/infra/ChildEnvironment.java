package dev.bazaar.launcher.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment of every process the launcher starts: an allow-list of the launcher's own
 * variables (what a JVM or PostgreSQL needs to run, locale, time zone, OpenTelemetry settings) plus
 * what the launcher sets for that process. Nothing else is inherited, so a secret in the launcher's
 * environment ({@code BAZAAR_ADMIN_PASSWORD}, a {@code BAZAAR_PG_URL} with a superuser password,
 * {@code BAZAAR_AMQP_URL} with the broker administrator's password) reaches only the process it is
 * meant for, and only in the form the launcher hands on. A service's own settings, {@code
 * BAZAAR_<SERVICE>_*}, go to that service alone.
 */
public final class ChildEnvironment {

  /** Inherited by name. */
  static final Set<String> PASSED =
      Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "JAVA_HOME");

  /**
   * Inherited by prefix: locale categories and the tracing settings (docs/runtime-contract.md,
   * "Tracing"): OpenTelemetry's standard variables, Quarkus' own for it, and Bazaar's.
   */
  static final List<String> PASSED_PREFIXES =
      List.of("LC_", "OTEL_", "QUARKUS_OTEL_", "BAZAAR_TRACING_");

  /** Inherited by one service only: the gateway shares its rate-limit buckets through Redis. */
  static final Map<String, Set<String>> PASSED_TO = Map.of("gateway", Set.of("REDIS_URL"));

  private ChildEnvironment() {}

  /**
   * The environment for {@code service}: the allowed part of {@code parent}, then {@code own}
   * (which wins on a clash).
   */
  public static Map<String, String> of(
      String service, Map<String, String> parent, Map<String, String> own) {
    Set<String> extra = PASSED_TO.getOrDefault(service, Set.of());
    // A service's own settings (BAZAAR_PAYMENTS_SLOW_DELAY, BAZAAR_GATEWAY_RATE_LIMITS_...) reach
    // that service only.
    String ownPrefix = "BAZAAR_" + service.toUpperCase(java.util.Locale.ROOT) + "_";
    Map<String, String> env = new LinkedHashMap<>();
    parent.forEach(
        (name, value) -> {
          if (PASSED.contains(name)
              || extra.contains(name)
              || name.startsWith(ownPrefix)
              || PASSED_PREFIXES.stream().anyMatch(name::startsWith)) {
            env.put(name, value);
          }
        });
    env.putAll(own);
    return env;
  }

  /**
   * Replaces a {@link ProcessBuilder#environment()} (a copy of the launcher's whole environment)
   * with the environment for {@code service}.
   */
  public static void apply(Map<String, String> target, String service, Map<String, String> own) {
    Map<String, String> env = of(service, System.getenv(), own);
    target.clear();
    target.putAll(env);
  }
}
