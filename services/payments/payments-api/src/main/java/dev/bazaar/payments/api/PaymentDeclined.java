package dev.bazaar.payments.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/** Reply: the provider declined, or the order was refunded before it could be charged. */
@MessageContract(
    type = "PaymentDeclined",
    version = PaymentsContract.VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = PaymentsContract.PAYMENT_DECLINED,
    sender = "payments")
public record PaymentDeclined(UUID orderId, UUID paymentId, String reason) {}
