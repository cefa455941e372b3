package dev.bazaar.system;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CrashRecovery} on the embedded broker and PostgreSQL the launcher starts. */
class CrashRecoveryIT {

  @Test
  void killedOrdersAndPaymentsLoseNothingOnEmbeddedInfrastructure() throws Exception {
    BazaarSystem system =
        new BazaarSystem("crash-embedded", Map.of("BAZAAR_PAYMENTS_SLOW_DELAY", "3s"));
    system.up();
    try {
      CrashRecovery.run(system);
    } finally {
      system.down();
    }
  }
}
