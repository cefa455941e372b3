package dev.bazaar.chassis.config;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The clock every service stamps events and sets deadlines with (STYLE rule 13). A default bean: a
 * test that produces its own {@link Clock} (one it can move) replaces it.
 */
public class Clocks {

  @Produces
  @Singleton
  @DefaultBean
  Clock clock() {
    return Clock.systemUTC();
  }
}
