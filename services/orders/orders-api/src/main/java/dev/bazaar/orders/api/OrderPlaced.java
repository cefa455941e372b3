package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.Money;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Published when an order has been accepted. */
public record OrderPlaced(
    UUID orderId, UUID customerId, List<OrderLine> items, Money total, Instant placedAt) {}
