package dev.bazaar.catalog.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/** Reply: the order's units are sold. */
@MessageContract(
    type = "StockCommitted",
    version = CatalogContract.VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = CatalogContract.STOCK_COMMITTED,
    sender = "catalog")
public record StockCommitted(UUID orderId) {}
