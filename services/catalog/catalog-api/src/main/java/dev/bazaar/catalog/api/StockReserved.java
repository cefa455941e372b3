package dev.bazaar.catalog.api;

import java.util.UUID;

/** Reply: the order's units are reserved. */
public record StockReserved(UUID orderId) {}
