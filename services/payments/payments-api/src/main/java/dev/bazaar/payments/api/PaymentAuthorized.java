package dev.bazaar.payments.api;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/** Reply: the order's payment is authorized. */
@MessageContract(
    type = "PaymentAuthorized",
    version = PaymentsContract.VERSION,
    exchange = Exchanges.EVENTS,
    routingKey = PaymentsContract.PAYMENT_AUTHORIZED,
    sender = "payments")
public record PaymentAuthorized(UUID orderId, UUID paymentId, Money amount) {}
