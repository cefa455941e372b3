package dev.bazaar.catalog.api;

import java.util.UUID;

/** A quantity of one product in a stock command. */
public record StockLine(UUID productId, int quantity) {}
