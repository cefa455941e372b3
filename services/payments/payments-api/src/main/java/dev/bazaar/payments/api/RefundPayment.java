package dev.bazaar.payments.api;

import java.util.UUID;

/**
 * Command (compensation): refund the order's authorized payment. When nothing is charged yet, a
 * later {@link AuthorizePayment} for the order is declined instead of charged.
 */
public record RefundPayment(UUID orderId) {}
