package dev.bazaar.gateway.aggregate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Catalog unreachable; payments configured and answering. */
@QuarkusTest
@WithTestResource(AggregationUpstreams.CatalogDown.class)
class OrderDetailsCatalogDownTest {

  @Test
  void catalogDownStillAnswersWithTheProductsMarkedUnavailable() {
    given()
        .header("Authorization", "Bearer bob")
        .when()
        .get("/api/v1/orders/o-1/details")
        .then()
        .statusCode(200)
        .body("id", equalTo("o-1"))
        .body("items[0].product.status", equalTo("unavailable"))
        .body("items[1].product.status", equalTo("unavailable"))
        .body("payment.orderId", equalTo("o-1"))
        .body("payment.status", equalTo("AUTHORIZED"))
        .body("payment.id", equalTo("pay-1"))
        .body("payment.amount.amount", equalTo(3750));
  }
}
