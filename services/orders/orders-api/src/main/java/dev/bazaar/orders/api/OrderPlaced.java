package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Published when an order has been accepted. */
@MessageContract(
    type = "OrderPlaced",
    version = OrdersContract.ORDER_PLACED_VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = OrdersContract.ORDER_PLACED,
    sender = "orders")
public record OrderPlaced(
    UUID orderId, UUID customerId, List<OrderLine> items, Money total, Instant placedAt) {}
