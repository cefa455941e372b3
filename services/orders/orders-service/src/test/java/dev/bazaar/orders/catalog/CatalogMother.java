package dev.bazaar.orders.catalog;

import java.util.Map;

/** The products {@link FakeCatalog} knows, and the ids that make it misbehave. */
public final class CatalogMother {

  /** A catalog product as the fake serves it. */
  public record Product(String id, String name, long cents, String currency) {}

  public static final Product MUG =
      new Product("11111111-1111-4111-8111-111111111111", "Enamel Mug", 1250, "EUR");
  public static final Product TEA =
      new Product("22222222-2222-4222-8222-222222222222", "Sencha Tea", 450, "EUR");
  public static final Product CAP =
      new Product("33333333-3333-4333-8333-333333333333", "Baseball Cap", 1999, "USD");

  /** Answers 503. */
  public static final String FAILING = "50350350-3503-4503-8503-503503503503";

  /** Closes the connection without answering. */
  public static final String DROPPING = "d0d0d0d0-d0d0-40d0-80d0-d0d0d0d0d0d0";

  /** Answers after 2 s, beyond the test timeout per attempt. */
  public static final String SLOW = "5105105a-5105-4105-8105-5105105a5105";

  /** Answers 503 to the first call of each request id and the mug to the next. */
  public static final String FLAKY = "f1a4f1a4-f1a4-4f1a-8f1a-f1a4f1a4f1a4";

  /** Answers with a product whose name echoes the correlation headers it received. */
  public static final String ECHO = "ec0ec0ec-0ec0-4ec0-8ec0-ec0ec0ec0ec0";

  /** Never known to the catalog. */
  public static final String UNKNOWN = "44444444-4444-4444-8444-444444444444";

  static final Map<String, Product> ALL = Map.of(MUG.id, MUG, TEA.id, TEA, CAP.id, CAP);

  private CatalogMother() {}

  static String json(Product p) {
    return "{\"id\":\""
        + p.id
        + "\",\"name\":\""
        + p.name
        + "\",\"description\":\"a test product\",\"price\":{\"amount\":"
        + p.cents
        + ",\"currency\":\""
        + p.currency
        + "\"},\"stock\":42,\"somethingNew\":true}";
  }
}
