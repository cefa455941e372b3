package dev.bazaar.chassis.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValidatorTest {

  @Test
  void saysWhatWasWrongWithEachField() {
    Validator v = new Validator();
    v.range("items[0].quantity", 0, 1, 100);
    v.email("email", "no-at-sign");
    v.text("name", "x".repeat(101), 1, 100);
    v.notNull("productId", null);
    assertThat(v.errors())
        .extracting(Problem.FieldError::message)
        .containsExactly(
            "items[0].quantity must be between 1 and 100, but was 0",
            "email must be an email address",
            "name must be between 1 and 100 characters long, but was 101",
            "productId is required");
    assertThatThrownBy(v::throwIfInvalid)
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.slug()).isEqualTo("validation");
              assertThat(e.errors()).hasSize(4);
            });
  }

  @Test
  void acceptsValidInput() {
    Validator v = new Validator();
    assertThat(v.email("email", "ada@example.com")).isTrue();
    assertThat(v.range("quantity", 100, 1, 100)).isTrue();
    assertThat(v.text("name", "Ada", 1, 100)).isTrue();
    v.throwIfInvalid();
    assertThat(v.errors()).isEmpty();
  }

  @Test
  void wholeNumbersFromQueryParameters() {
    Validator v = new Validator();
    assertThat(v.wholeNumber("page", null, 0)).isZero();
    assertThat(v.wholeNumber("page", "  ", 7)).isEqualTo(7);
    assertThat(v.wholeNumber("size", " 25 ", 20)).isEqualTo(25);
    assertThat(v.errors()).isEmpty();
    assertThat(v.wholeNumber("size", "abc", 20)).isNull();
    assertThat(v.errors())
        .extracting(Problem.FieldError::message)
        .containsExactly("size must be a whole number, but was 'abc'");
  }

  @Test
  void blankTextIsTooShort() {
    Validator v = new Validator();
    assertThat(v.text("name", "   ", 1, 100)).isFalse();
  }
}
