package dev.bazaar.catalog.domain;

import java.util.UUID;

/** A product for sale: its price in minor units of {@code currency} and the quantity on hand. */
public record Product(
    UUID id, String name, String description, long priceAmount, String currency, int stock) {

  public Product {
    if (id == null || name == null || name.isBlank()) {
      throw new IllegalArgumentException("a product needs an id and a name");
    }
    if (priceAmount < 0) {
      throw new IllegalArgumentException("price must be 0 or more, but was " + priceAmount);
    }
    if (currency == null || currency.length() != 3) {
      throw new IllegalArgumentException("currency must be an ISO 4217 code, but was " + currency);
    }
    if (stock < 0) {
      throw new IllegalArgumentException("stock must be 0 or more, but was " + stock);
    }
    description = description == null ? "" : description;
  }
}
