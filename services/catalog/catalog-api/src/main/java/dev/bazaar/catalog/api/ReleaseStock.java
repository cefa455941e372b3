package dev.bazaar.catalog.api;

import java.util.UUID;

/**
 * Command (compensation): give the order's reserved units back. Harmless when nothing is reserved;
 * answered with {@link StockReleased}.
 */
public record ReleaseStock(UUID orderId) {}
