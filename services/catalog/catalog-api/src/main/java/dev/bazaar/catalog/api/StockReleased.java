package dev.bazaar.catalog.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/** Reply: the order holds no reserved units any more. */
@MessageContract(
    type = "StockReleased",
    version = CatalogContract.VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = CatalogContract.STOCK_RELEASED,
    sender = "catalog")
public record StockReleased(UUID orderId) {}
