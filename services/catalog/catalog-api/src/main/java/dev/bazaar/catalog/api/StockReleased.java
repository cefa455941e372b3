package dev.bazaar.catalog.api;

import java.util.UUID;

/** Reply: the order holds no reserved units any more. */
public record StockReleased(UUID orderId) {}
