package dev.bazaar.payments.api;

import dev.bazaar.catalog.api.Money;
import java.util.UUID;

/** Reply: the order's payment is authorized. */
public record PaymentAuthorized(UUID orderId, UUID paymentId, Money amount) {}
