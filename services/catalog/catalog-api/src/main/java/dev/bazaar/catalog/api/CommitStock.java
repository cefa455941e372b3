package dev.bazaar.catalog.api;

import java.util.UUID;

/**
 * Command: the order is paid, its reserved units are sold for good. Answered with {@link
 * StockCommitted}, or {@link StockRejected} with {@code RESERVATION_EXPIRED}.
 */
public record CommitStock(UUID orderId) {}
