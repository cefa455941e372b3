package dev.bazaar.catalog.support;

import dev.bazaar.catalog.domain.Product;
import dev.bazaar.catalog.persistence.ProductRepository;
import dev.bazaar.chassis.db.Tx;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Fresh products for one test each, so no test depends on another's stock or on the seed. Names and
 * descriptions avoid the words the listing tests search for.
 */
public final class ProductMother {

  private ProductMother() {}

  public static UUID withStock(DataSource ds, int stock) {
    UUID id = UUID.randomUUID();
    Product p = new Product(id, "Test item " + id, "Made for a component test.", 990, "EUR", stock);
    Tx.run(
        ds,
        c -> {
          new ProductRepository().insert(c, p);
          return null;
        });
    return id;
  }

  public static int stockOf(DataSource ds, UUID id) {
    return Tx.run(ds, c -> new ProductRepository().findById(c, id))
        .orElseThrow(() -> new AssertionError("no product " + id))
        .stock();
  }
}
