package dev.bazaar.catalog.api;

import java.util.List;
import java.util.UUID;

/**
 * Reply: nothing was reserved (to {@link ReserveStock}) or the reservation is gone (to {@link
 * CommitStock}); {@code reason} is one of the {@code REASON_*} constants of {@link
 * CatalogContract}, {@code productIds} the products that caused it.
 */
public record StockRejected(UUID orderId, String reason, List<UUID> productIds) {}
