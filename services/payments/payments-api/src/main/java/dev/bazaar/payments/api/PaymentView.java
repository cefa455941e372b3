package dev.bazaar.payments.api;

import dev.bazaar.catalog.api.Money;
import java.util.UUID;

/**
 * A payment as {@code GET /api/v1/payments?orderId=} returns it; status
 * AUTHORIZED|DECLINED|REFUNDED.
 */
public record PaymentView(UUID id, UUID orderId, Money amount, String status) {}
