package dev.bazaar.payments.api;

import dev.bazaar.catalog.api.Money;
import java.util.UUID;

/**
 * Reply: the order holds no charge any more. {@code paymentId} and {@code amount} are null when
 * nothing had been charged.
 */
public record PaymentRefunded(UUID orderId, UUID paymentId, Money amount) {}
