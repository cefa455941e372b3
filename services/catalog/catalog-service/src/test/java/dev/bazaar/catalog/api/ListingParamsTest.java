package dev.bazaar.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bazaar.catalog.domain.ProductSearch;
import dev.bazaar.chassis.problem.Problem;
import dev.bazaar.chassis.problem.ProblemException;
import org.junit.jupiter.api.Test;

class ListingParamsTest {

  @Test
  void absentParametersTakeTheDefaults() {
    ProductSearch s = ListingParams.parse(null, null, null);
    assertThat(s.page()).isZero();
    assertThat(s.size()).isEqualTo(20);
    assertThat(s.text()).isEmpty();
    assertThat(ListingParams.parse(" ", null, null).text()).isEmpty();
  }

  @Test
  void anEmptyPageOrSizeIsAProblemLikeInEveryList() {
    ProblemException e =
        catchThrowableOfType(ProblemException.class, () -> ListingParams.parse("", " ", ""));
    assertThat(e.errors())
        .extracting(Problem.FieldError::field)
        .containsExactlyInAnyOrder("page", "size");
  }

  @Test
  void parsesGivenValues() {
    ProductSearch s = ListingParams.parse("mug", "2", "100");
    assertThat(s.page()).isEqualTo(2);
    assertThat(s.size()).isEqualTo(100);
    assertThat(s.text()).contains("mug");
  }

  @Test
  void namesEveryBadParameter() {
    ProblemException e =
        catchThrowableOfType(
            ProblemException.class, () -> ListingParams.parse("x".repeat(101), "-1", "abc"));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.errors())
        .extracting(Problem.FieldError::message)
        .containsExactlyInAnyOrder(
            "page must be 0 or more, but was -1",
            "size must be a whole number, but was 'abc'",
            "q must be at most 100 characters long, but was 101");
  }

  @Test
  void sizeOutOfRangeSaysWhatItWas() {
    ProblemException zero =
        catchThrowableOfType(ProblemException.class, () -> ListingParams.parse(null, "0", "0"));
    assertThat(zero.errors())
        .extracting(Problem.FieldError::message)
        .containsExactly("size must be between 1 and 100, but was 0");
    ProblemException big =
        catchThrowableOfType(
            ProblemException.class, () -> ListingParams.parse(null, "99999999999", "101"));
    assertThat(big.errors())
        .extracting(Problem.FieldError::field)
        .containsExactlyInAnyOrder("page", "size");
  }
}
