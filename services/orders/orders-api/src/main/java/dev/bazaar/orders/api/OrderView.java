package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.Money;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An order as the orders API returns it to its owner: {@code status} PENDING, CONFIRMED or
 * CANCELLED, {@code reason} only when cancelled, {@code steps} the saga's history, oldest first.
 */
public record OrderView(
    UUID id,
    String status,
    String reason,
    List<OrderLine> items,
    Money total,
    Instant createdAt,
    List<SagaStep> steps) {}
