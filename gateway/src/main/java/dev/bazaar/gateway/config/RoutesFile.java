package dev.bazaar.gateway.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.source.yaml.YamlConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Loads the YAML file named by {@code bazaar.gateway.routes-file} ({@code ./bazaar gateway --routes
 * FILE}) as a configuration source. The file holds ordinary configuration keys as nested YAML
 * ({@code bazaar: gateway: routes: products: prefix: ...}, {@code quarkus: http: ...}), so every
 * key of every gateway feature can be set there. It ranks above {@code application.properties} and
 * below environment variables and system properties. An unknown key under {@code bazaar.gateway} or
 * a value of the wrong type fails start-up with a message that names the key (the configuration
 * mapping validates it); a missing or malformed file fails here, naming the file.
 */
public class RoutesFile implements ConfigSourceFactory {

  public static final String PROPERTY = "bazaar.gateway.routes-file";

  /** Between application.properties (250) and environment variables (300). */
  public static final int ORDINAL = 275;

  static final String SOURCE_PREFIX = "bazaar-routes-file:";

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue value = context.getValue(PROPERTY);
    if (value == null || value.getValue() == null || value.getValue().isBlank()) {
      return List.of();
    }
    return List.of(load(Path.of(value.getValue())));
  }

  /** The file as a configuration source; fails naming the file when it is missing or not YAML. */
  public static ConfigSource load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          PROPERTY + ": no routes file at '" + file.toAbsolutePath() + "'");
    }
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(PROPERTY + ": cannot read '" + file + "'", e);
    }
    try {
      return new YamlConfigSource(SOURCE_PREFIX + file.toAbsolutePath(), yaml, ORDINAL);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          PROPERTY + ": '" + file + "' is not valid YAML: " + e.getMessage(), e);
    }
  }

  /** Whether a configuration value came from a routes file. */
  public static boolean fromRoutesFile(org.eclipse.microprofile.config.ConfigValue value) {
    return value != null
        && value.getSourceName() != null
        && value.getSourceName().startsWith(SOURCE_PREFIX);
  }
}
