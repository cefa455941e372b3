package dev.bazaar.orders.api;

import dev.bazaar.catalog.api.Money;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order as the orders API returns it to its owner. */
public record OrderView(
    UUID id, String status, List<OrderLine> items, Money total, Instant createdAt) {}
