package dev.bazaar.catalog.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/** Reply: the order's units are reserved. */
@MessageContract(
    type = "StockReserved",
    version = CatalogContract.VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = CatalogContract.STOCK_RESERVED,
    sender = "catalog")
public record StockReserved(UUID orderId) {}
