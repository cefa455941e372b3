package dev.bazaar.catalog.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import dev.bazaar.catalog.support.ProductMother;
import dev.bazaar.testing.InfraResource;
import dev.bazaar.testing.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(InfraResource.class)
class AdminProductsTest {

  static final String PROBLEM = "application/problem+json";
  static final String KETTLE = "950a2d43-7751-4cd0-9ecc-d7851b364f96";
  static final String VALID =
      """
      {"name": "Walnut Serving Board", "description": "Oiled walnut, 40 cm.",
       "price": {"amount": 4500, "currency": "EUR"}, "stock": 12}
      """;

  @Inject DataSource dataSource;

  static RequestSpecification admin() {
    return given()
        .auth()
        .oauth2(TestTokens.token(UUID.randomUUID(), Set.of("admin"), Duration.ofMinutes(5)))
        .contentType("application/json");
  }

  @Test
  void anAdminCreatesAProductThatIsThenListedAndServed() {
    Response created =
        admin()
            .body(VALID)
            .post("/api/v1/products")
            .then()
            .statusCode(201)
            .body("name", equalTo("Walnut Serving Board"))
            .body("description", equalTo("Oiled walnut, 40 cm."))
            .body("price.amount", equalTo(4500))
            .body("price.currency", equalTo("EUR"))
            .body("stock", equalTo(12))
            .extract()
            .response();
    String id = created.path("id");
    assertThat(created.header("Location")).endsWith("/api/v1/products/" + id);

    given().get("/api/v1/products/" + id).then().statusCode(200).body("stock", equalTo(12));
  }

  @Test
  void anAdminReplacesEveryFieldOfAProduct() {
    UUID id = ProductMother.withStock(dataSource, 3);
    // Named to sort after the seed: the seed listing test expects its first page all in EUR.
    String body =
        """
        {"name": "Zz renamed item", "price": {"amount": 0, "currency": "USD"}, "stock": 1000000}
        """;

    admin()
        .body(body)
        .put("/api/v1/products/" + id)
        .then()
        .statusCode(200)
        .body("id", equalTo(id.toString()))
        .body("name", equalTo("Zz renamed item"))
        .body("description", equalTo(""))
        .body("price.amount", equalTo(0))
        .body("price.currency", equalTo("USD"))
        .body("stock", equalTo(1_000_000));
    given()
        .get("/api/v1/products/" + id)
        .then()
        .body("name", equalTo("Zz renamed item"))
        .body("price.currency", equalTo("USD"));
  }

  @Test
  void anAdminSetsTheAvailableStock() {
    UUID id = ProductMother.withStock(dataSource, 3);
    admin()
        .body("{\"stock\": 0}")
        .put("/api/v1/products/" + id + "/stock")
        .then()
        .statusCode(200)
        .body("id", equalTo(id.toString()))
        .body("stock", equalTo(0));
    assertThat(ProductMother.stockOf(dataSource, id)).isZero();
  }

  @Test
  void unknownProductsAreNotFound() {
    String unknown = UUID.randomUUID().toString();
    admin()
        .body(VALID)
        .put("/api/v1/products/" + unknown)
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
    admin()
        .body("{\"stock\": 1}")
        .put("/api/v1/products/" + unknown + "/stock")
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
    admin()
        .body("{\"stock\": 1}")
        .put("/api/v1/products/not-an-id/stock")
        .then()
        .statusCode(404)
        .contentType(PROBLEM);
  }

  @Test
  void invalidFieldsAreAllNamedAndNothingIsWritten() {
    int before = given().get("/api/v1/products").path("total");
    String body =
        """
        {"name": "", "description": "%s",
         "price": {"amount": 12.5, "currency": "eur"}, "stock": 1000001, "colour": "red"}
        """
            .formatted("x".repeat(2001));

    admin()
        .body(body)
        .post("/api/v1/products")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", endsWith("/validation"))
        .body(
            "errors.field",
            containsInAnyOrder(
                "name", "description", "price.amount", "price.currency", "stock", "colour"))
        .body(
            "errors.find { it.field == 'price.amount' }.message",
            equalTo("price.amount must be a whole number, but was 12.5"))
        .body(
            "errors.find { it.field == 'stock' }.message",
            equalTo("stock must be between 0 and 1000000, but was 1000001"));
    assertThat((int) given().get("/api/v1/products").path("total")).isEqualTo(before);
  }

  @Test
  void missingFieldsAndWrongTypesAreValidationErrors() {
    admin()
        .body("{\"name\": 7, \"price\": {\"amount\": -1}, \"stock\": \"3\"}")
        .post("/api/v1/products")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body(
            "errors.field", containsInAnyOrder("name", "price.amount", "price.currency", "stock"));
    admin().body("[]").post("/api/v1/products").then().statusCode(400).contentType(PROBLEM);
    admin().body("{\"name\": ").post("/api/v1/products").then().statusCode(400);
    UUID id = ProductMother.withStock(dataSource, 3);
    admin()
        .body("{\"stock\": -1}")
        .put("/api/v1/products/" + id + "/stock")
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("errors", hasSize(1))
        .body("errors[0].field", equalTo("stock"));
    admin()
        .body(VALID.replace("Walnut Serving Board", "Changed"))
        .put("/api/v1/products/" + id)
        .then()
        .statusCode(200);
    admin()
        .body(VALID.replace("4500", "45.00"))
        .put("/api/v1/products/" + id)
        .then()
        .statusCode(400);
    given().get("/api/v1/products/" + id).then().body("price.amount", equalTo(4500));
  }

  @Test
  void writesNeedAnAdminToken() {
    UUID id = ProductMother.withStock(dataSource, 3);
    given()
        .contentType("application/json")
        .body(VALID)
        .post("/api/v1/products")
        .then()
        .statusCode(401)
        .contentType(PROBLEM)
        .header("WWW-Authenticate", not(emptyOrNullString()));
    given()
        .contentType("application/json")
        .body("{\"stock\": 1}")
        .put("/api/v1/products/" + id + "/stock")
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
    given()
        .auth()
        .oauth2(TestTokens.expired(UUID.randomUUID()))
        .contentType("application/json")
        .body(VALID)
        .put("/api/v1/products/" + id)
        .then()
        .statusCode(401)
        .contentType(PROBLEM);
    for (String path :
        new String[] {"/api/v1/products/" + id, "/api/v1/products/" + id + "/stock"}) {
      given()
          .auth()
          .oauth2(TestTokens.customer(UUID.randomUUID()))
          .contentType("application/json")
          .body(VALID)
          .put(path)
          .then()
          .statusCode(403)
          .contentType(PROBLEM)
          .body("type", endsWith("/forbidden"));
    }
    given()
        .auth()
        .oauth2(TestTokens.customer(UUID.randomUUID()))
        .contentType("application/json")
        .body(VALID)
        .post("/api/v1/products")
        .then()
        .statusCode(403)
        .contentType(PROBLEM);
    assertThat(ProductMother.stockOf(dataSource, id)).isEqualTo(3);
  }

  @Test
  void productReadsCarryAStrongETagAndRevalidateWith304() {
    Response first =
        given().get("/api/v1/products/" + KETTLE).then().statusCode(200).extract().response();
    String etag = first.header("ETag");
    assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
    given()
        .header("If-None-Match", etag)
        .get("/api/v1/products/" + KETTLE)
        .then()
        .statusCode(304)
        .header("ETag", equalTo(etag))
        .body(equalTo(""));
    given()
        .header("If-None-Match", "\"something-else\", W/" + etag)
        .get("/api/v1/products/" + KETTLE)
        .then()
        .statusCode(304);
    given()
        .header("If-None-Match", "\"something-else\"")
        .get("/api/v1/products/" + KETTLE)
        .then()
        .statusCode(200)
        .header("ETag", equalTo(etag))
        .body("id", equalTo(KETTLE));

    String listTag =
        given().get("/api/v1/products?size=5").then().statusCode(200).extract().header("ETag");
    given().header("If-None-Match", listTag).get("/api/v1/products?size=5").then().statusCode(304);
    // Another page is another body with another tag.
    given()
        .header("If-None-Match", listTag)
        .get("/api/v1/products?size=6")
        .then()
        .statusCode(200)
        .header("ETag", not(equalTo(listTag)));
  }

  @Test
  void aChangedProductGetsANewETag() {
    UUID id = ProductMother.withStock(dataSource, 3);
    String etag = given().get("/api/v1/products/" + id).then().extract().header("ETag");
    admin().body("{\"stock\": 4}").put("/api/v1/products/" + id + "/stock").then().statusCode(200);
    given()
        .header("If-None-Match", etag)
        .get("/api/v1/products/" + id)
        .then()
        .statusCode(200)
        .header("ETag", not(equalTo(etag)))
        .body("stock", equalTo(4));
  }

  @Test
  void theOpenApiDocumentDescribesTheTaggedReadsAndTheWrites() {
    String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
    io.restassured.path.json.JsonPath api = new io.restassured.path.json.JsonPath(doc);
    assertThat(
            api.getString(
                "paths.'/api/v1/products'.get.responses.'200'.content.'application/json'.schema.'$ref'"))
        .endsWith("ProductPage");
    assertThat(
            api.getString(
                "paths.'/api/v1/products'.post.requestBody.content.'application/json'.schema.'$ref'"))
        .endsWith("ProductRequest");
    assertThat(
            api.getString(
                "paths.'/api/v1/products/{id}/stock'.put.requestBody.content.'application/json'.schema.'$ref'"))
        .endsWith("StockRequest");
  }
}
