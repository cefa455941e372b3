package dev.bazaar.payments.api;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/**
 * Command: charge {@code amount} for {@code orderId}. Idempotent per order: a redelivery, or a
 * second command for the same order, never charges twice and answers with the first outcome.
 */
@MessageContract(
    type = "AuthorizePayment",
    version = PaymentsContract.VERSION,
    exchange = Exchanges.COMMANDS,
    routingKey = PaymentsContract.AUTHORIZE_PAYMENT,
    sender = "orders")
public record AuthorizePayment(UUID orderId, UUID customerId, Money amount, String paymentToken) {}
