package dev.bazaar.notifications.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotificationTextsTest {

  private static final UUID ORDER = UUID.fromString("1a2b3c4d-0000-4000-8000-000000000001");

  @Test
  void welcomesByName() {
    assertThat(NotificationTexts.welcome("Ada")).isEqualTo("Welcome to Bazaar, Ada!");
    assertThat(NotificationTexts.welcome("  Ada Lovelace "))
        .isEqualTo("Welcome to Bazaar, Ada Lovelace!");
  }

  @Test
  void welcomesWithoutANameWhenThereIsNone() {
    assertThat(NotificationTexts.welcome(null)).isEqualTo("Welcome to Bazaar!");
    assertThat(NotificationTexts.welcome("  ")).isEqualTo("Welcome to Bazaar!");
  }

  @Test
  void describesAnOrder() {
    assertThat(NotificationTexts.orderReceived(ORDER, 3, 3750, "EUR"))
        .isEqualTo(
            "Order received, we are processing it: 3 items, total 37.50 EUR (order 1a2b3c4d)");
  }

  @Test
  void oneItemIsSingular() {
    assertThat(NotificationTexts.orderReceived(ORDER, 1, 999, "USD"))
        .isEqualTo("Order received, we are processing it: 1 item, total 9.99 USD (order 1a2b3c4d)");
  }

  @Test
  void confirmsAnOrderWithItsTotal() {
    assertThat(NotificationTexts.orderConfirmed(ORDER, 3750, "EUR"))
        .isEqualTo("Order 1a2b3c4d confirmed: 37.50 EUR");
  }

  @ParameterizedTest
  @CsvSource({
    "OUT_OF_STOCK, Order 1a2b3c4d cancelled: out of stock",
    "PAYMENT_DECLINED, Order 1a2b3c4d cancelled: payment declined",
    "TIMED_OUT, Order 1a2b3c4d cancelled: timed out",
    "CANCELLED_BY_CUSTOMER, Order 1a2b3c4d cancelled: cancelled at your request"
  })
  void saysWhyAnOrderWasCancelled(String reason, String text) {
    assertThat(NotificationTexts.orderCancelled(ORDER, reason)).isEqualTo(text);
  }

  @Test
  void aCancellationWithAnUnknownOrNoReasonStillSaysCancelled() {
    assertThat(NotificationTexts.orderCancelled(ORDER, "SOMETHING_NEW"))
        .isEqualTo("Order 1a2b3c4d cancelled");
    assertThat(NotificationTexts.orderCancelled(ORDER, null)).isEqualTo("Order 1a2b3c4d cancelled");
  }

  @Test
  void writesMoneyWithTheCurrencysFractionDigits() {
    assertThat(NotificationTexts.money(3750, "EUR")).isEqualTo("37.50 EUR");
    assertThat(NotificationTexts.money(5, "EUR")).isEqualTo("0.05 EUR");
    assertThat(NotificationTexts.money(0, "EUR")).isEqualTo("0.00 EUR");
    assertThat(NotificationTexts.money(1500, "JPY")).isEqualTo("1500 JPY");
    assertThat(NotificationTexts.money(1234, "BHD")).isEqualTo("1.234 BHD");
    assertThat(NotificationTexts.money(-150, "EUR")).isEqualTo("-1.50 EUR");
    assertThat(NotificationTexts.money(123456789, "USD")).isEqualTo("1234567.89 USD");
  }

  @Test
  void normalisesTheCurrencyCode() {
    assertThat(NotificationTexts.money(3750, " eur ")).isEqualTo("37.50 EUR");
  }

  @Test
  void assumesTwoDigitsForUnknownOrMissingCurrencies() {
    assertThat(NotificationTexts.money(3750, "ZZZ")).isEqualTo("37.50 ZZZ");
    assertThat(NotificationTexts.money(3750, null)).isEqualTo("37.50");
  }

  @Test
  void pseudoCurrenciesWithoutMinorUnitsAreWholeNumbers() {
    assertThat(NotificationTexts.money(7, "XXX")).isEqualTo("7 XXX");
  }

  @Test
  void shortIdIsTheFirstEightHexDigits() {
    assertThat(NotificationTexts.shortId(ORDER)).isEqualTo("1a2b3c4d");
  }
}
