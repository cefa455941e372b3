package dev.bazaar.orders.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bazaar.chassis.problem.Problem;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.payments.api.PaymentTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlaceOrderRequestTest {

  static PlaceOrderRequest.Item item(Object productId, Integer quantity) {
    return new PlaceOrderRequest.Item(productId == null ? null : productId.toString(), quantity);
  }

  static PlaceOrderRequest req(List<PlaceOrderRequest.Item> items) {
    return new PlaceOrderRequest(items, PaymentTokens.OK);
  }

  static List<Problem.FieldError> errorsOf(PlaceOrderRequest body) {
    ProblemException e =
        catchThrowableOfType(ProblemException.class, () -> PlaceOrderRequest.validate(body));
    assertThat(e).as("expected a validation problem").isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.slug()).isEqualTo("validation");
    return e.errors();
  }

  @Test
  void acceptsDistinctProductsWithQuantitiesInRange() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    PlaceOrderRequest.Valid valid =
        PlaceOrderRequest.validate(req(List.of(item(a, 1), item(b, 100))));
    assertThat(valid.items())
        .containsExactly(new PlaceOrderRequest.Wanted(a, 1), new PlaceOrderRequest.Wanted(b, 100));
    assertThat(valid.paymentToken()).isEqualTo(PaymentTokens.OK);
  }

  @Test
  void itemsAreRequiredAndBounded() {
    assertThat(errorsOf(null))
        .containsExactly(
            new Problem.FieldError("items", "items is required"),
            new Problem.FieldError("paymentToken", "paymentToken is required"));
    assertThat(errorsOf(req(null)))
        .containsExactly(new Problem.FieldError("items", "items is required"));
    assertThat(errorsOf(req(List.of())))
        .containsExactly(
            new Problem.FieldError("items", "items must have between 1 and 50 entries, but had 0"));
    List<PlaceOrderRequest.Item> many = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      many.add(item(UUID.randomUUID(), 1));
    }
    assertThat(errorsOf(req(many)))
        .extracting(Problem.FieldError::message)
        .containsExactly("items must have between 1 and 50 entries, but had 51");
  }

  @Test
  void quantityMustBeBetweenOneAndHundred() {
    assertThat(errorsOf(req(List.of(item(UUID.randomUUID(), 0)))))
        .containsExactly(
            new Problem.FieldError(
                "items[0].quantity", "items[0].quantity must be between 1 and 100, but was 0"));
    assertThat(errorsOf(req(List.of(item(UUID.randomUUID(), 1), item(UUID.randomUUID(), 1000)))))
        .containsExactly(
            new Problem.FieldError(
                "items[1].quantity", "items[1].quantity must be between 1 and 100, but was 1000"));
    assertThat(errorsOf(req(List.of(item(UUID.randomUUID(), null)))))
        .containsExactly(
            new Problem.FieldError("items[0].quantity", "items[0].quantity is required"));
  }

  @Test
  void productIdMustBeAUuid() {
    assertThat(errorsOf(req(List.of(item(null, 1), item("mug", 2)))))
        .containsExactly(
            new Problem.FieldError("items[0].productId", "items[0].productId is required"),
            new Problem.FieldError(
                "items[1].productId", "items[1].productId must be a UUID, but was 'mug'"));
  }

  @Test
  void aNullEntryIsAFieldError() {
    assertThat(
            errorsOf(req(Arrays.asList(item(UUID.randomUUID(), 1), (PlaceOrderRequest.Item) null))))
        .containsExactly(new Problem.FieldError("items[1]", "items[1] is required"));
  }

  @Test
  void theSameProductTwiceIsRejectedNotMerged() {
    UUID a = UUID.randomUUID();
    assertThat(errorsOf(req(List.of(item(a, 1), item(UUID.randomUUID(), 1), item(a, 2)))))
        .containsExactly(
            new Problem.FieldError(
                "items[2].productId",
                "items[2].productId repeats items[0]; send one entry per product with the whole"
                    + " quantity"));
  }

  @Test
  void reportsEveryBadFieldAtOnce() {
    List<Problem.FieldError> errors =
        errorsOf(req(List.of(item("x", 0), item(UUID.randomUUID(), -3), item(null, null))));
    assertThat(errors)
        .extracting(Problem.FieldError::field)
        .containsExactly(
            "items[0].productId",
            "items[0].quantity",
            "items[1].quantity",
            "items[2].productId",
            "items[2].quantity");
  }

  @Test
  void paymentTokenIsRequiredAndMustBeKnown() {
    List<PlaceOrderRequest.Item> one = List.of(item(UUID.randomUUID(), 1));
    assertThat(errorsOf(new PlaceOrderRequest(one, null)))
        .containsExactly(new Problem.FieldError("paymentToken", "paymentToken is required"));
    assertThat(errorsOf(new PlaceOrderRequest(one, "tok_stolen")))
        .containsExactly(
            new Problem.FieldError(
                "paymentToken",
                "paymentToken must be a known payment token, but was 'tok_stolen'"));
    for (String known : PaymentTokens.KNOWN) {
      assertThat(PlaceOrderRequest.validate(new PlaceOrderRequest(one, known)).paymentToken())
          .isEqualTo(known);
    }
  }

  @Test
  void theCanonicalFormIgnoresJsonLayoutButNotContent() {
    UUID a = UUID.randomUUID();
    String upper = a.toString().toUpperCase();
    String lower = PlaceOrderRequest.validate(req(List.of(item(a, 2)))).canonical();
    assertThat(PlaceOrderRequest.validate(req(List.of(item(upper, 2)))).canonical())
        .isEqualTo(lower);
    assertThat(PlaceOrderRequest.validate(req(List.of(item(a, 3)))).canonical())
        .isNotEqualTo(lower);
    assertThat(
            PlaceOrderRequest.validate(
                    new PlaceOrderRequest(List.of(item(a, 2)), PaymentTokens.SLOW))
                .canonical())
        .isNotEqualTo(lower);
  }
}
