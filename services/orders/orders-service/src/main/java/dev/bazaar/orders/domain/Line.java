package dev.bazaar.orders.domain;

import dev.bazaar.catalog.api.Money;
import java.util.UUID;

/** One priced line: the catalog's name and unit price at placing time, times a quantity. */
public record Line(UUID productId, String name, int quantity, Money unitPrice) {

  public static final int MIN_QUANTITY = 1;
  public static final int MAX_QUANTITY = 100;

  public Line {
    if (productId == null) {
      throw new IllegalArgumentException("a line needs a product id");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("product " + productId + " has no name");
    }
    if (quantity < MIN_QUANTITY || quantity > MAX_QUANTITY) {
      throw new IllegalArgumentException(
          "quantity of "
              + productId
              + " must be between "
              + MIN_QUANTITY
              + " and "
              + MAX_QUANTITY
              + ", but was "
              + quantity);
    }
    if (unitPrice == null || unitPrice.currency() == null || unitPrice.currency().length() != 3) {
      throw new IllegalArgumentException("product " + productId + " has no price in a currency");
    }
    if (unitPrice.amount() < 0) {
      throw new IllegalArgumentException(
          "price of " + productId + " must be 0 or more, but was " + unitPrice.amount());
    }
  }

  /** Unit price times quantity. */
  public Money lineTotal() {
    try {
      return new Money(Math.multiplyExact(unitPrice.amount(), quantity), unitPrice.currency());
    } catch (ArithmeticException e) {
      throw new OrderRejectedException(
          "total-too-large", "the total of product " + productId + " is too large");
    }
  }
}
