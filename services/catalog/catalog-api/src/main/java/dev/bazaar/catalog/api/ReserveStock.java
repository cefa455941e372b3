package dev.bazaar.catalog.api;

import java.util.List;
import java.util.UUID;

/**
 * Command: take {@code items} out of the available stock for {@code orderId}, all or nothing.
 * Answered with {@link StockReserved} or {@link StockRejected}; a redelivery answers the same way
 * without reserving twice. The reservation expires when no {@link CommitStock} follows in time.
 */
public record ReserveStock(UUID orderId, List<StockLine> items) {}
