package dev.bazaar.payments.api;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/**
 * Reply: the order holds no charge any more. {@code paymentId} and {@code amount} are null when
 * nothing had been charged.
 */
@MessageContract(
    type = "PaymentRefunded",
    version = PaymentsContract.VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = PaymentsContract.PAYMENT_REFUNDED,
    sender = "payments")
public record PaymentRefunded(UUID orderId, UUID paymentId, Money amount) {}
