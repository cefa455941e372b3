package dev.bazaar.catalog.api;

import java.util.UUID;

/** Reply: the order's units are sold. */
public record StockCommitted(UUID orderId) {}
