package dev.bazaar.catalog.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/**
 * Command: the order is paid, its reserved units are sold for good. Answered with {@link
 * StockCommitted}, or {@link StockRejected} with {@code RESERVATION_EXPIRED}.
 */
@MessageContract(
    type = "CommitStock",
    version = CatalogContract.VERSION,
    exchange = Exchanges.COMMANDS,
    routingKey = CatalogContract.COMMIT_STOCK,
    sender = "orders")
public record CommitStock(UUID orderId) {}
