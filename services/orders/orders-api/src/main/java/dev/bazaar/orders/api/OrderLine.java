package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.Money;
import java.util.UUID;

/** One priced line of an order: the name and unit price are the catalog's at placing time. */
public record OrderLine(
    UUID productId, String name, int quantity, Money unitPrice, Money lineTotal) {}
