package dev.bazaar.catalog.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProductSearchTest {

  @Test
  void offsetIsPageTimesSizeWithoutIntOverflow() {
    assertThat(new ProductSearch(Optional.empty(), 0, 20).offset()).isZero();
    assertThat(new ProductSearch(Optional.empty(), 3, 7).offset()).isEqualTo(21);
    assertThat(new ProductSearch(Optional.empty(), Integer.MAX_VALUE, 100).offset())
        .isEqualTo(Integer.MAX_VALUE * 100L);
  }

  @Test
  void blankTextMeansNoFilter() {
    assertThat(new ProductSearch(Optional.of("   "), 0, 20).text()).isEmpty();
    assertThat(new ProductSearch(Optional.of("   "), 0, 20).containsPattern()).isEmpty();
    assertThat(new ProductSearch(Optional.of("  lamp "), 0, 20).text()).contains("lamp");
  }

  @Test
  void patternMatchesAnywhereAndTakesWildcardsLiterally() {
    assertThat(new ProductSearch(Optional.of("tea"), 0, 20).containsPattern()).contains("%tea%");
    assertThat(new ProductSearch(Optional.of("100%_off\\"), 0, 20).containsPattern())
        .contains("%100\\%\\_off\\\\%");
  }

  @Test
  void rejectsAnImpossibleWindow() {
    assertThatThrownBy(() -> new ProductSearch(Optional.empty(), -1, 20))
        .hasMessage("page must be 0 or more, but was -1");
    assertThatThrownBy(() -> new ProductSearch(Optional.empty(), 0, 0))
        .hasMessage("size must be between 1 and 100, but was 0");
    assertThatThrownBy(() -> new ProductSearch(Optional.empty(), 0, 101))
        .hasMessage("size must be between 1 and 100, but was 101");
  }
}
