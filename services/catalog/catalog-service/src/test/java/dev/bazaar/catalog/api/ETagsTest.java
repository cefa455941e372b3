package dev.bazaar.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ETagsTest {

  @Test
  void theTagIsAQuotedDigestOfTheBody() {
    String tag = ETags.of("{\"a\":1}");
    assertThat(tag).matches("\"[A-Za-z0-9_-]{22}\"");
    assertThat(ETags.of("{\"a\":1}")).isEqualTo(tag);
    assertThat(ETags.of("{\"a\":2}")).isNotEqualTo(tag);
  }

  @Test
  void ifNoneMatchComparesWeaklyAndAcceptsListsAndStar() {
    String tag = ETags.of("body");
    assertThat(ETags.matches(tag, tag)).isTrue();
    assertThat(ETags.matches("W/" + tag, tag)).isTrue();
    assertThat(ETags.matches("\"x\" , " + tag, tag)).isTrue();
    assertThat(ETags.matches("*", tag)).isTrue();
    assertThat(ETags.matches("\"x\"", tag)).isFalse();
    assertThat(ETags.matches(tag.replace("\"", ""), tag)).isFalse();
    assertThat(ETags.matches(null, tag)).isFalse();
    assertThat(ETags.matches(" ", tag)).isFalse();
  }
}
