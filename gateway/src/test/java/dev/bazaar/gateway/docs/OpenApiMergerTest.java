package dev.bazaar.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The merged document keeps only the schemas something in it uses (Redocly's no-unused-components).
 */
class OpenApiMergerTest {

  static JsonObject ref(String name) {
    return new JsonObject().put("$ref", "#/components/schemas/" + name);
  }

  @Test
  void schemasOnlyLeftOutPathsUsedAreDropped() {
    JsonObject doc =
        new JsonObject()
            .put(
                "paths",
                new JsonObject()
                    .put(
                        "/api/v1/orders",
                        new JsonObject()
                            .put(
                                "get",
                                new JsonObject()
                                    .put(
                                        "responses",
                                        new JsonObject()
                                            .put(
                                                "200",
                                                new JsonObject()
                                                    .put(
                                                        "content",
                                                        new JsonObject()
                                                            .put(
                                                                "application/json",
                                                                new JsonObject()
                                                                    .put(
                                                                        "schema",
                                                                        ref("Page")))))))))
            .put(
                "components",
                new JsonObject()
                    .put(
                        "schemas",
                        new JsonObject()
                            // Page -> Order -> Money: all used through the path
                            .put(
                                "Page",
                                new JsonObject()
                                    .put(
                                        "properties",
                                        new JsonObject()
                                            .put(
                                                "items",
                                                new JsonObject()
                                                    .put("type", "array")
                                                    .put("items", ref("Order")))))
                            .put(
                                "Order",
                                new JsonObject()
                                    .put("properties", new JsonObject().put("total", ref("Money"))))
                            .put("Money", new JsonObject().put("type", "object"))
                            // Problem is used by a response component, not a path
                            .put("Problem", new JsonObject().put("type", "object"))
                            // MessagingView only by a path the gateway does not route; it uses
                            // Money
                            .put(
                                "MessagingView",
                                new JsonObject()
                                    .put("properties", new JsonObject().put("m", ref("Money")))))
                    .put(
                        "responses",
                        new JsonObject()
                            .put(
                                "Error",
                                new JsonObject()
                                    .put(
                                        "content",
                                        new JsonObject()
                                            .put(
                                                "application/problem+json",
                                                new JsonObject().put("schema", ref("Problem")))))));

    OpenApiMerger.dropUnusedSchemas(doc);

    assertThat(doc.getJsonObject("components").getJsonObject("schemas").fieldNames())
        .containsExactlyInAnyOrder("Page", "Order", "Money", "Problem");
  }
}
