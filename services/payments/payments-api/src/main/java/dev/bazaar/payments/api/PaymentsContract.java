package dev.bazaar.payments.api;

import java.util.List;

/**
 * Broker names of the payments service. Commands arrive on {@link #COMMANDS_QUEUE}, bound to the
 * {@code bazaar.commands} exchange with {@code payments.*}; replies are events on {@code
 * bazaar.events}. Message type = the record's simple name; routing key = {@code payments.<type>}.
 */
public final class PaymentsContract {

  public static final String COMMANDS_QUEUE = "payments.commands";
  public static final String COMMANDS_BINDING = "payments.*";

  public static final String AUTHORIZE_PAYMENT = "payments.AuthorizePayment";
  public static final String REFUND_PAYMENT = "payments.RefundPayment";

  public static final String PAYMENT_AUTHORIZED = "payments.PaymentAuthorized";
  public static final String PAYMENT_DECLINED = "payments.PaymentDeclined";
  public static final String PAYMENT_REFUNDED = "payments.PaymentRefunded";

  /** Schema version of every payments message above. */
  public static final int VERSION = 1;

  public static final String STATUS_AUTHORIZED = "AUTHORIZED";
  public static final String STATUS_DECLINED = "DECLINED";
  public static final String STATUS_REFUNDED = "REFUNDED";

  /** Every message record of this contract. */
  public static final List<Class<?>> MESSAGES =
      List.of(
          AuthorizePayment.class,
          RefundPayment.class,
          PaymentAuthorized.class,
          PaymentDeclined.class,
          PaymentRefunded.class);

  private PaymentsContract() {}
}
