package dev.bazaar.catalog.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.List;
import java.util.UUID;

/**
 * Command: take {@code items} out of the available stock for {@code orderId}, all or nothing.
 * Answered with {@link StockReserved} or {@link StockRejected}; a redelivery answers the same way
 * without reserving twice. The reservation expires when no {@link CommitStock} follows in time.
 */
@MessageContract(
    type = "ReserveStock",
    version = CatalogContract.VERSION,
    exchange = Exchanges.COMMANDS,
    routingKey = CatalogContract.RESERVE_STOCK,
    sender = "orders")
public record ReserveStock(UUID orderId, List<StockLine> items) {}
