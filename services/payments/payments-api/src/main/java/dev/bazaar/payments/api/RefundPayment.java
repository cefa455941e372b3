package dev.bazaar.payments.api;

import dev.bazaar.contract.Exchanges;
import dev.bazaar.contract.MessageContract;
import java.util.UUID;

/**
 * Command (compensation): refund the order's authorized payment. When nothing is charged yet, a
 * later {@link AuthorizePayment} for the order is declined instead of charged.
 */
@MessageContract(
    type = "RefundPayment",
    version = PaymentsContract.VERSION,
    exchange = Exchanges.COMMANDS,
    routingKey = PaymentsContract.REFUND_PAYMENT,
    sender = "orders")
public record RefundPayment(UUID orderId) {}
