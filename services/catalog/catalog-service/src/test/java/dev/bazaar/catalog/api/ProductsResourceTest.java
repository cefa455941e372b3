package dev.bazaar.catalog.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.bazaar.testing.InfraResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(InfraResource.class)
class ProductsResourceTest {

  @Inject DataSource dataSource;

  static final String PROBLEM = "application/problem+json";
  static final String KETTLE = "950a2d43-7751-4cd0-9ecc-d7851b364f96";

  @Test
  void seedIsListedInNameOrderWithPricesAndStock() {
    JsonPath page =
        given()
            .get("/api/v1/products")
            .then()
            .statusCode(200)
            .body("page", equalTo(0))
            .body("size", equalTo(20))
            .body("total", greaterThanOrEqualTo(20))
            .body("items", hasSize(20))
            .body("items.price.currency", everyItem(equalTo("EUR")))
            .body("items.stock", everyItem(greaterThanOrEqualTo(0)))
            .body("items.id", everyItem(notNullValue()))
            .extract()
            .jsonPath();
    List<String> names = page.getList("items.name", String.class);
    assertThat(names).isSortedAccordingTo(Comparator.naturalOrder());
  }

  @Test
  void getsOneProductById() {
    given()
        .get("/api/v1/products/" + KETTLE)
        .then()
        .statusCode(200)
        .body("id", equalTo(KETTLE))
        .body("name", equalTo("Stainless Steel Gooseneck Kettle"))
        .body("price.amount", equalTo(5900))
        .body("price.currency", equalTo("EUR"))
        .body("stock", equalTo(35));
  }

  @Test
  void searchMatchesNameOrDescriptionIgnoringCase() {
    given()
        .queryParam("q", "KETTLE")
        .get("/api/v1/products")
        .then()
        .statusCode(200)
        .body("total", equalTo(1))
        .body("items[0].id", equalTo(KETTLE));
    // "paper" appears only in descriptions (the dripper's filters, the notebook's pages).
    given()
        .queryParam("q", "paper")
        .get("/api/v1/products")
        .then()
        .statusCode(200)
        .body("total", equalTo(2))
        .body("items.name", hasItem("Notebook, Dotted, A5"));
    given()
        .queryParam("q", "no such thing anywhere")
        .get("/api/v1/products")
        .then()
        .statusCode(200)
        .body("total", equalTo(0))
        .body("items", hasSize(0));
    // Wildcards are literal: "%" does not match everything.
    given()
        .queryParam("q", "%")
        .get("/api/v1/products")
        .then()
        .statusCode(200)
        .body("total", equalTo(0));
  }

  @Test
  void pagesCoverTheListingExactlyOnce() {
    int total = given().get("/api/v1/products").then().extract().path("total");
    assertThat(total).isGreaterThan(2);
    // A size that leaves the last page partial, so that boundary is crossed too.
    int size = 7;
    while (total % size == 0) {
      size++;
    }
    List<String> seen = new ArrayList<>();
    int pages = (total + size - 1) / size;
    for (int p = 0; p < pages; p++) {
      List<String> ids =
          given()
              .queryParam("page", p)
              .queryParam("size", size)
              .get("/api/v1/products")
              .then()
              .statusCode(200)
              .body("page", equalTo(p))
              .body("size", equalTo(size))
              .body("total", equalTo(total))
              .extract()
              .jsonPath()
              .getList("items.id", String.class);
      assertThat(ids).hasSize(p < pages - 1 ? size : total - size * (pages - 1));
      seen.addAll(ids);
    }
    assertThat(seen).hasSize(total).doesNotHaveDuplicates();
    given()
        .queryParam("page", pages)
        .queryParam("size", size)
        .get("/api/v1/products")
        .then()
        .statusCode(200)
        .body("items", hasSize(0))
        .body("total", equalTo(total));
  }

  @Test
  void badPagingIsAProblemNotAnError() {
    for (Map<String, String> params :
        List.of(
            Map.of("page", "-1"),
            Map.of("size", "0"),
            Map.of("size", "101"),
            Map.of("size", "-5"),
            Map.of("page", "abc"),
            Map.of("size", "1.5"),
            Map.of("page", "99999999999"),
            Map.of("page", ""),
            Map.of("size", ""),
            Map.of("size", "abc"))) {
      given()
          .queryParams(params)
          .get("/api/v1/products")
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo("https://bazaar.dev/problems/validation"))
          .body("errors[0].field", equalTo(params.keySet().iterator().next()));
    }
  }

  @Test
  void unknownOrMalformedIdIsNotFound() {
    given()
        .get("/api/v1/products/00000000-0000-4000-8000-000000000000")
        .then()
        .statusCode(404)
        .contentType(PROBLEM)
        .body("type", equalTo("https://bazaar.dev/problems/not-found"));
    for (String bad : List.of("not-a-uuid", "1-1-1-1-1", "%20")) {
      given()
          .get("/api/v1/products/" + bad)
          .then()
          .statusCode(404)
          .contentType(PROBLEM)
          .body("status", equalTo(404));
    }
  }

  @Test
  void searchHasTrigramIndexesOnTheEmbeddedDatabase() throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'products' ORDER BY 1");
        ResultSet rs = ps.executeQuery()) {
      List<String> names = new ArrayList<>();
      while (rs.next()) {
        names.add(rs.getString(1));
      }
      assertThat(names).contains("products_name_trgm", "products_description_trgm");
    }
  }

  @Test
  void needsNoToken() {
    given()
        .header("Authorization", "Bearer garbage")
        .get("/api/v1/products")
        .then()
        .statusCode(200);
  }
}
