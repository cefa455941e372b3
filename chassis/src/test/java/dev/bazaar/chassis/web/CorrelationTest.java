package dev.bazaar.chassis.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CorrelationTest {

  @Test
  void keepsASaneRequestIdAndReplacesAnythingElse() {
    assertThat(Correlation.requestIdOrNew("abc-123_x.y")).isEqualTo("abc-123_x.y");
    assertThat(Correlation.requestIdOrNew(null)).hasSize(36);
    assertThat(Correlation.requestIdOrNew("has space")).isNotEqualTo("has space").hasSize(36);
    assertThat(Correlation.requestIdOrNew("x\r\nSet-Cookie: a=b")).doesNotContain("\n");
    assertThat(Correlation.requestIdOrNew("a".repeat(129))).hasSize(36);
  }

  @Test
  void continuesAValidTraceWithANewSpan() {
    String incoming = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    String next = Correlation.continueOrStartTrace(incoming);
    assertThat(Correlation.traceId(next)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(next).isNotEqualTo(incoming).endsWith("-01");
  }

  @Test
  void startsANewTraceForInvalidOrAllZeroIds() {
    for (String bad :
        new String[] {
          null,
          "garbage",
          "00-00000000000000000000000000000000-b7ad6b7169203331-01",
          "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
          "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        }) {
      String t = Correlation.continueOrStartTrace(bad);
      assertThat(t).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
      assertThat(Correlation.traceId(t)).isNotEqualTo("0af7651916cd43dd8448eb211c80319c");
    }
  }
}
