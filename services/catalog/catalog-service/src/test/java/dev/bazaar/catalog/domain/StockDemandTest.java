package dev.bazaar.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StockDemandTest {

  // The high bit of the first byte is set: UUID.compareTo (signed) puts it first, PostgreSQL last.
  static final UUID HIGH = UUID.fromString("f0000000-0000-4000-8000-000000000001");
  static final UUID LOW = UUID.fromString("10000000-0000-4000-8000-000000000001");

  @Test
  void repeatedProductsAreMergedAndLinesSortedAsThePostgresqlIndex() {
    StockDemand d =
        StockDemand.of(
            List.of(
                new StockDemand.Line(HIGH, 1),
                new StockDemand.Line(LOW, 2),
                new StockDemand.Line(HIGH, 3)));
    assertThat(d.lines())
        .containsExactly(new StockDemand.Line(LOW, 2), new StockDemand.Line(HIGH, 4));
    assertThat(HIGH.compareTo(LOW)).isNegative();
  }

  @Test
  void badDemandsAreRefused() {
    assertThatThrownBy(() -> StockDemand.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StockDemand.Line(LOW, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantity must be 1 or more, but was 0");
    assertThatThrownBy(
            () ->
                StockDemand.of(
                    List.of(
                        new StockDemand.Line(LOW, Integer.MAX_VALUE),
                        new StockDemand.Line(LOW, 1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new StockDemand(
                    List.of(new StockDemand.Line(HIGH, 1), new StockDemand.Line(LOW, 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shortfallNamesUnknownAndShortProducts() {
    UUID other = UUID.fromString("20000000-0000-4000-8000-000000000001");
    StockDemand d =
        StockDemand.of(
            List.of(
                new StockDemand.Line(LOW, 2),
                new StockDemand.Line(other, 5),
                new StockDemand.Line(HIGH, 1)));

    StockDemand.Shortfall s = d.shortfall(Map.of(LOW, 2, other, 4));
    assertThat(s.unknown()).containsExactly(HIGH);
    assertThat(s.outOfStock()).containsExactly(other);
    assertThat(s.none()).isFalse();

    assertThat(d.shortfall(Map.of(LOW, 2, other, 5, HIGH, 1)).none()).isTrue();
  }
}
