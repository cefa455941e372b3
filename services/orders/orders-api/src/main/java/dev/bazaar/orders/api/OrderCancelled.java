package dev.bazaar.orders.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.time.Instant;
import java.util.UUID;

/**
 * Published when an order ended cancelled, after compensation; {@code reason} is one of the {@code
 * REASON_*} constants of {@link OrdersContract}.
 */
@MessageContract(
    type = "OrderCancelled",
    version = OrdersContract.OUTCOME_VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = OrdersContract.ORDER_CANCELLED,
    sender = "orders")
public record OrderCancelled(UUID orderId, UUID customerId, String reason, Instant cancelledAt) {}
