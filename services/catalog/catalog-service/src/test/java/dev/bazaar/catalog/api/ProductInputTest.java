package dev.bazaar.catalog.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bazaar.chassis.problem.Problem;
import dev.bazaar.chassis.problem.ProblemException;
import org.junit.jupiter.api.Test;

class ProductInputTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ProblemException refused(Runnable r) {
    ProblemException e = catchThrowableOfType(ProblemException.class, r::run);
    assertThat(e).as("a validation problem").isNotNull();
    assertThat(e.status()).isEqualTo(400);
    return e;
  }

  @Test
  void aValidBodyIsRead() {
    ProductRequest r =
        ProductInput.product(
            json(
                "{\"name\":\"  Mug \",\"price\":{\"amount\":1250,\"currency\":\"EUR\"},"
                    + "\"stock\":0}"));
    assertThat(r).isEqualTo(new ProductRequest("Mug", "", new Money(1250, "EUR"), 0));
  }

  @Test
  void everyBadFieldIsNamedWithWhatWasWrong() {
    String body =
        "{\"name\":\"%s\",\"description\":5,\"price\":{\"amount\":1e2,\"currency\":\"EU\",\"tax\":1},\"stock\":-1}"
            .formatted("n".repeat(201));
    ProblemException e = refused(() -> ProductInput.product(json(body)));
    assertThat(e.errors())
        .extracting(Problem.FieldError::field)
        .containsExactlyInAnyOrder(
            "name", "description", "price.amount", "price.currency", "price.tax", "stock");
    assertThat(e.errors())
        .extracting(Problem.FieldError::message)
        .contains(
            "name must be between 1 and 200 characters long, but was 201",
            "description must be a string",
            "price.amount must be a whole number, but was 100.0",
            "price.currency must be three upper-case letters (ISO 4217), but was 'EU'",
            "unknown field 'price.tax'",
            "stock must be between 0 and 1000000, but was -1");
  }

  @Test
  void aMissingBodyOrPriceIsRequired() {
    assertThat(refused(() -> ProductInput.product(null)).errors())
        .extracting(Problem.FieldError::field)
        .containsExactly("body");
    ProblemException e =
        refused(() -> ProductInput.product(json("{\"name\":\"Mug\",\"stock\":1}")));
    assertThat(e.errors())
        .extracting(Problem.FieldError::message)
        .containsExactly("price is required");
  }

  @Test
  void stockBodiesTakeAWholeNumberInRange() {
    assertThat(ProductInput.stock(json("{\"stock\":1000000}"))).isEqualTo(1_000_000);
    assertThat(ProductInput.stock(json("{\"stock\":0}"))).isZero();
    for (String bad :
        new String[] {
          "{}",
          "{\"stock\":1.5}",
          "{\"stock\":\"2\"}",
          "{\"stock\":1000001}",
          "{\"stock\":1,\"x\":1}",
          "[1]"
        }) {
      refused(() -> ProductInput.stock(json(bad)));
    }
  }
}
