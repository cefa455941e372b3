package dev.bazaar.system;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CrashRecovery} on the machine's PostgreSQL and RabbitMQ. Runs with the real-infra profile
 * (which CI enables), where missing infrastructure fails the run instead of skipping it.
 */
class CrashRecoveryRealInfraIT {

  @Test
  void killedOrdersAndPaymentsLoseNothingOnPostgresAndRabbitMq() throws Exception {
    assumeTrue(BazaarSystem.realInfra(), "real infrastructure runs with -Preal-infra");
    BazaarSystem system =
        BazaarSystem.onRealInfra("crash-real", Map.of("BAZAAR_PAYMENTS_SLOW_DELAY", "3s"));
    system.up();
    try {
      CrashRecovery.run(system);
    } finally {
      system.down();
      system.forgetInfrastructure();
    }
  }
}
