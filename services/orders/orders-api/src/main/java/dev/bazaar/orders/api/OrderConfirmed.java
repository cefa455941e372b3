package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.Money;
import java.time.Instant;
import java.util.UUID;

/** Published when an order's saga has completed: stock committed, payment authorized. */
public record OrderConfirmed(UUID orderId, UUID customerId, Money total, Instant confirmedAt) {}
