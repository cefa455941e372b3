package dev.bazaar.orders.api;

import java.time.Instant;
import java.util.UUID;

/**
 * Published when an order ended cancelled, after compensation; {@code reason} is one of the {@code
 * REASON_*} constants of {@link OrdersContract}.
 */
public record OrderCancelled(UUID orderId, UUID customerId, String reason, Instant cancelledAt) {}
