package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.time.Instant;
import java.util.UUID;

/** Published when an order's saga has completed: stock committed, payment authorized. */
@MessageContract(
    type = "OrderConfirmed",
    version = OrdersContract.OUTCOME_VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = OrdersContract.ORDER_CONFIRMED,
    sender = "orders")
public record OrderConfirmed(UUID orderId, UUID customerId, Money total, Instant confirmedAt) {}
