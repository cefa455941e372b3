package dev.bazaar.orders.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bazaar.chassis.problem.Problem;
import dev.bazaar.chassis.problem.ProblemException;
import org.junit.jupiter.api.Test;

class PageParamsTest {

  @Test
  void defaultsAndOffset() {
    assertThat(PageParams.parse(null, null)).isEqualTo(new PageParams(0, 20));
    assertThat(PageParams.parse("3", "10").offset()).isEqualTo(30);
    assertThat(new PageParams(Integer.MAX_VALUE, 100).offset()).isEqualTo(Integer.MAX_VALUE * 100L);
  }

  @Test
  void badValuesAreFieldErrors() {
    ProblemException e =
        catchThrowableOfType(ProblemException.class, () -> PageParams.parse("-1", "x"));
    assertThat(e.errors())
        .extracting(Problem.FieldError::message)
        .containsExactlyInAnyOrder(
            "page must be 0 or more, but was -1", "size must be a whole number, but was 'x'");
    ProblemException big =
        catchThrowableOfType(ProblemException.class, () -> PageParams.parse("0", "101"));
    assertThat(big.errors())
        .extracting(Problem.FieldError::message)
        .containsExactly("size must be between 1 and 100, but was 101");
  }
}
