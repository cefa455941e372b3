package dev.bazaar.catalog.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.List;
import java.util.UUID;

/**
 * Reply: nothing was reserved (to {@link ReserveStock}) or the reservation is gone (to {@link
 * CommitStock}); {@code reason} is one of the {@code REASON_*} constants of {@link
 * CatalogContract}, {@code productIds} the products that caused it.
 */
@MessageContract(
    type = "StockRejected",
    version = CatalogContract.VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = CatalogContract.STOCK_REJECTED,
    sender = "catalog")
public record StockRejected(UUID orderId, String reason, List<UUID> productIds) {}
