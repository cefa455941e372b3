package dev.bazaar.gateway.docs;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** The merged API documentation at {@code /api/docs} ({@code bazaar.gateway.docs.*}). */
@ConfigMapping(prefix = "bazaar.gateway.docs")
public interface DocsConfig {

  /** Whether {@code /api/docs} is served. */
  @WithDefault("true")
  boolean enabled();

  /** Upstreams whose OpenAPI documents are merged; names that are not configured are skipped. */
  @WithDefault("users,catalog,orders,notifications,payments")
  List<String> services();

  /** Where each upstream serves its OpenAPI document as JSON. */
  @WithDefault("/q/openapi?format=json")
  String documentPath();

  /** How long a merged document is served before the upstreams are asked again. */
  @WithDefault("30s")
  Duration refresh();

  /** Time allowed for each upstream's document. */
  @WithDefault("3s")
  Duration timeout();
}
