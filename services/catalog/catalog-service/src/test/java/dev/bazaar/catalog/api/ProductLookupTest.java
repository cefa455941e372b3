package dev.bazaar.catalog.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;

import dev.bazaar.testing.InfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Orders prices a whole order with one lookup of several products by id. */
@QuarkusTest
@WithTestResource(InfraResource.class)
class ProductLookupTest {

  @Test
  void answersTheKnownProductsAmongTheIdsAndLeavesOutUnknownOnes() {
    List<String> seeded = given().get("/api/v1/products?size=2").then().extract().path("items.id");
    String unknown = UUID.randomUUID().toString();
    given()
        .get(
            "/internal/v1/products/lookup?ids="
                + seeded.get(0)
                + ","
                + seeded.get(1)
                + ","
                + unknown)
        .then()
        .statusCode(200)
        .body("items.id", containsInAnyOrder(seeded.get(0), seeded.get(1)))
        .body("total", equalTo(2));
  }

  @Test
  void aMalformedIdOrTooManyIdsAreAValidationProblem() {
    given()
        .get("/internal/v1/products/lookup?ids=not-a-uuid")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    String many =
        IntStream.range(0, 51)
            .mapToObj(i -> UUID.randomUUID().toString())
            .collect(Collectors.joining(","));
    given()
        .get("/internal/v1/products/lookup?ids=" + many)
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given().get("/internal/v1/products/lookup").then().statusCode(400);
  }
}
