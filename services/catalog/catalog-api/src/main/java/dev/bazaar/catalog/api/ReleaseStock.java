package dev.bazaar.catalog.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/**
 * Command (compensation): give the order's reserved units back. Harmless when nothing is reserved;
 * answered with {@link StockReleased}.
 */
@MessageContract(
    type = "ReleaseStock",
    version = CatalogContract.VERSION,
    exchange = Exchanges.COMMANDS,
    routingKey = CatalogContract.RELEASE_STOCK,
    sender = "orders")
public record ReleaseStock(UUID orderId) {}
