package dev.bazaar.orders.domain;

import static dev.bazaar.orders.domain.OrderMother.NOW;
import static dev.bazaar.orders.domain.OrderMother.eur;
import static dev.bazaar.orders.domain.OrderMother.placed;
import static dev.bazaar.orders.domain.OrderMother.usd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bazaar.catalog.api.Money;
import dev.bazaar.orders.api.OrderLine;
import dev.bazaar.orders.api.OrderPlaced;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderTest {

  @Test
  void totalIsTheSumOfUnitPriceTimesQuantity() {
    Order order = placed(List.of(eur(1250, 2), eur(399, 3), eur(0, 1))).order();
    assertThat(order.total()).isEqualTo(new Money(2500 + 1197, "EUR"));
    assertThat(order.status()).isEqualTo(Order.Status.PLACED);
    assertThat(order.contractLines())
        .extracting(OrderLine::lineTotal)
        .containsExactly(new Money(2500, "EUR"), new Money(1197, "EUR"), new Money(0, "EUR"));
  }

  @Test
  void placingRaisesOrderPlacedWithTheSameFacts() {
    Line mug = eur(1250, 2);
    Order.Placement p = placed(List.of(mug));
    OrderPlaced event = p.event();
    assertThat(event.orderId()).isEqualTo(p.order().id());
    assertThat(event.customerId()).isEqualTo(p.order().customerId());
    assertThat(event.total()).isEqualTo(new Money(2500, "EUR"));
    assertThat(event.placedAt()).isEqualTo(NOW);
    assertThat(event.items())
        .containsExactly(
            new OrderLine(
                mug.productId(), "Mug", 2, new Money(1250, "EUR"), new Money(2500, "EUR")));
  }

  @Test
  void mixedCurrenciesAreRejectedNamingTheOddProduct() {
    Line cap = usd(1500, 1);
    assertThatThrownBy(() -> placed(List.of(eur(1250, 1), cap)))
        .isInstanceOf(OrderRejectedException.class)
        .hasMessage(
            "an order must be in one currency, but product "
                + cap.productId()
                + " is priced in USD and the order in EUR")
        .extracting(e -> ((OrderRejectedException) e).reason())
        .isEqualTo("currency-mismatch");
  }

  @Test
  void anOverflowingTotalIsRejectedNotWrapped() {
    assertThatThrownBy(() -> placed(List.of(eur(Long.MAX_VALUE / 2, 3))))
        .isInstanceOf(OrderRejectedException.class)
        .extracting(e -> ((OrderRejectedException) e).reason())
        .isEqualTo("total-too-large");
    assertThatThrownBy(() -> placed(List.of(eur(Long.MAX_VALUE, 1), eur(1, 1))))
        .isInstanceOf(OrderRejectedException.class)
        .hasMessage("the order total is too large");
  }

  @Test
  void quantityOutsideOneToHundredSaysWhatItWas() {
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> new Line(id, "Mug", 0, new Money(100, "EUR")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantity of " + id + " must be between 1 and 100, but was 0");
    assertThatThrownBy(() -> new Line(id, "Mug", 101, new Money(100, "EUR")))
        .hasMessage("quantity of " + id + " must be between 1 and 100, but was 101");
    assertThatThrownBy(() -> new Line(id, "Mug", 1, new Money(-1, "EUR")))
        .hasMessage("price of " + id + " must be 0 or more, but was -1");
  }

  @Test
  void anOrderHasOneToFiftyDistinctProducts() {
    assertThatThrownBy(() -> placed(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an order must have between 1 and 50 lines, but had 0");
    assertThatThrownBy(() -> placed(Collections.nCopies(51, eur(1, 1))))
        .hasMessage("an order must have between 1 and 50 lines, but had 51");
    Line twice = eur(1, 1);
    assertThatThrownBy(() -> placed(List.of(twice, twice)))
        .hasMessage("product " + twice.productId() + " appears on more than one line");
  }

  @Test
  void restoreRecomputesTheSameTotal() {
    Order placed = placed(List.of(eur(250, 4), eur(99, 1))).order();
    Order restored =
        Order.restore(
            placed.id(), placed.customerId(), placed.status(), placed.lines(), placed.createdAt());
    assertThat(restored.total()).isEqualTo(placed.total());
    assertThat(restored.contractLines()).isEqualTo(placed.contractLines());
  }
}
