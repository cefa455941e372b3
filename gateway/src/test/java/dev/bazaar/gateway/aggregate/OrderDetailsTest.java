package dev.bazaar.gateway.aggregate;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Catalog up but failing for one product; payments not configured at all. */
@QuarkusTest
@WithTestResource(AggregationUpstreams.class)
class OrderDetailsTest {

  @Test
  void composesTheOrderWithProductsAndMarksMissingPartsUnavailable() {
    given()
        .header("Authorization", "Bearer alice")
        .when()
        .get("/api/v1/orders/o-1/details")
        .then()
        .statusCode(200)
        .contentType("application/json")
        .body("id", equalTo("o-1"))
        .body("owner", equalTo("Bearer alice"))
        .body("items[0].quantity", equalTo(2))
        .body("items[0].product.name", equalTo("Product p-1"))
        .body("items[1].product.status", equalTo("unavailable"))
        .body("payment.status", equalTo("unavailable"));
  }

  @Test
  void theOrdersErrorPassesThrough() {
    given()
        .header("Authorization", "Bearer alice")
        .when()
        .get("/api/v1/orders/missing/details")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("type", equalTo("https://bazaar.dev/problems/not-found"));
    given().when().get("/api/v1/orders/o-1/details").then().statusCode(401);
  }
}
