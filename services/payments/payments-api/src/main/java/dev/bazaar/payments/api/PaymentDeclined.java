package dev.bazaar.payments.api;

import java.util.UUID;

/** Reply: the provider declined, or the order was refunded before it could be charged. */
public record PaymentDeclined(UUID orderId, UUID paymentId, String reason) {}
