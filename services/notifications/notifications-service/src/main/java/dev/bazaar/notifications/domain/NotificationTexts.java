package dev.bazaar.notifications.domain;

import dev.bazaar.orders.api.OrdersContract;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.UUID;

/** The words of each notification. Pure functions: no clock, no locale of the machine. */
public final class NotificationTexts {

  /** Fraction digits used for a currency code Java does not know (most currencies have two). */
  static final int UNKNOWN_CURRENCY_DIGITS = 2;

  private NotificationTexts() {}

  /** "Welcome to Bazaar, Ada!"; without a usable name, "Welcome to Bazaar!". */
  public static String welcome(String name) {
    if (name == null || name.isBlank()) {
      return "Welcome to Bazaar!";
    }
    return "Welcome to Bazaar, " + name.strip() + "!";
  }

  /**
   * "Order received, we are processing it: 3 items, total 37.50 EUR (order 1a2b3c4d)". The final
   * outcome follows as {@link #orderConfirmed} or {@link #orderCancelled}.
   */
  public static String orderReceived(
      UUID orderId, int itemCount, long totalMinorUnits, String currency) {
    return "Order received, we are processing it: "
        + itemCount
        + (itemCount == 1 ? " item" : " items")
        + ", total "
        + money(totalMinorUnits, currency)
        + " (order "
        + shortId(orderId)
        + ")";
  }

  /** "Order 1a2b3c4d confirmed: 37.50 EUR". */
  public static String orderConfirmed(UUID orderId, long totalMinorUnits, String currency) {
    return "Order " + shortId(orderId) + " confirmed: " + money(totalMinorUnits, currency);
  }

  /**
   * "Order 1a2b3c4d cancelled: out of stock". {@code reason} is one of the orders contract's {@code
   * REASON_*} codes; a code this service does not know yet still tells the customer the outcome,
   * without a reason.
   */
  public static String orderCancelled(UUID orderId, String reason) {
    String why = cancellationReason(reason);
    return "Order " + shortId(orderId) + " cancelled" + (why == null ? "" : ": " + why);
  }

  /** The customer-facing words for a cancellation reason code; null for an unknown code. */
  static String cancellationReason(String reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case OrdersContract.REASON_OUT_OF_STOCK -> "out of stock";
      case OrdersContract.REASON_PAYMENT_DECLINED -> "payment declined";
      case OrdersContract.REASON_TIMED_OUT -> "timed out";
      case OrdersContract.REASON_CANCELLED_BY_CUSTOMER -> "cancelled at your request";
      default -> null;
    };
  }

  /**
   * An amount in minor units written with its currency's fraction digits: 3750 EUR is "37.50 EUR",
   * 1500 JPY is "1500 JPY", 1234 BHD is "1.234 BHD". Always a dot, never grouping, so the text does
   * not depend on the server's locale.
   */
  public static String money(long minorUnits, String currency) {
    String code = currency == null || currency.isBlank() ? "" : currency.strip().toUpperCase();
    BigDecimal amount = BigDecimal.valueOf(minorUnits, fractionDigits(code));
    return code.isEmpty() ? amount.toPlainString() : amount.toPlainString() + " " + code;
  }

  static int fractionDigits(String code) {
    if (code.isEmpty()) {
      return UNKNOWN_CURRENCY_DIGITS;
    }
    try {
      int digits = Currency.getInstance(code).getDefaultFractionDigits();
      // Pseudo-currencies such as XXX or XAU report -1: they have no minor unit.
      return Math.max(digits, 0);
    } catch (IllegalArgumentException unknown) {
      return UNKNOWN_CURRENCY_DIGITS;
    }
  }

  /** The first eight hex digits of an id: enough to tell a customer's orders apart. */
  public static String shortId(UUID id) {
    return id == null ? "unknown" : id.toString().substring(0, 8);
  }
}
