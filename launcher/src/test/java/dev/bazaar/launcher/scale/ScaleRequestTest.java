package dev.bazaar.launcher.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScaleRequestTest {

  @Test
  void parsesServiceEqualsCount() {
    assertThat(ScaleRequest.parse("catalog=3")).isEqualTo(new ScaleRequest("catalog", 3));
    assertThat(ScaleRequest.parse(" orders=1 ").toString()).isEqualTo("orders=1");
  }

  @Test
  void saysWhatIsWrong() {
    assertThatThrownBy(() -> ScaleRequest.parse("catalog"))
        .hasMessage("expected <service>=<count>, e.g. catalog=3, but was 'catalog'");
    assertThatThrownBy(() -> ScaleRequest.parse("catalog=9"))
        .hasMessage("catalog: the number of instances must be between 1 and 8, but was 9");
    assertThatThrownBy(() -> ScaleRequest.parse("catalog=0")).hasMessageContaining("but was 0");
  }

  @Test
  void instanceNumbers() {
    assertThat(Scaler.number("catalog-3")).isEqualTo(3);
    assertThat(Scaler.number("catalog")).isZero();
  }
}
