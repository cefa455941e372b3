package dev.bazaar.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Catalog settings; each key is documented in services/catalog/README.md. */
@ConfigMapping(prefix = "bazaar.catalog")
public interface CatalogConfig {

  /**
   * How long a reservation holds its units without a CommitStock. It must outlast the orders saga's
   * deadlines (payment included), or a paid order finds its reservation expired.
   */
  @WithDefault("5m")
  Duration reservationTtl();

  /** How often the sweeper looks for reservations past their deadline. */
  @WithDefault("5s")
  Duration sweepInterval();

  /** Reservations expired per sweeper transaction. */
  @WithDefault("100")
  int sweepBatchSize();
}
