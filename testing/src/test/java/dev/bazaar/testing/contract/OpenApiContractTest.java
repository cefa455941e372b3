package dev.bazaar.testing.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker itself: what it lets through and what it fails, on a 3.1 document like ours. */
class OpenApiContractTest {

  static final String DOCUMENT =
      """
      {"openapi": "3.1.0", "info": {"title": "t", "version": "1",
        "license": {"name": "Apache License 2.0", "identifier": "Apache-2.0"}},
       "paths": {"/api/v1/things/{id}": {"get": {"operationId": "getThing",
         "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
         "responses": {
         "200": {"description": "ok",
           "headers": {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}},
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
         "404": {"description": "no such thing",
           "headers": {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}},
           "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}}}},
       "components": {
         "headers": {"X-Request-Id": {"required": true, "schema": {"type": "string"}}},
         "schemas": {
           "Thing": {"type": "object", "required": ["id", "count"], "properties": {
             "id": {"type": "string", "format": "uuid"},
             "count": {"type": "integer", "examples": [3]},
             "reason": {"type": ["string", "null"]}}},
           "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {
             "type": {"type": "string"}, "title": {"type": "string"},
             "status": {"type": "integer", "minimum": 400, "maximum": 599}}}}}}
      """;

  static final Map<String, List<String>> JSON =
      Map.of("Content-Type", List.of("application/json"), "X-Request-Id", List.of("r-1"));
  static final Map<String, List<String>> PROBLEM =
      Map.of("Content-Type", List.of("application/problem+json"), "X-Request-Id", List.of("r-1"));

  final OpenApiContract contract = OpenApiContract.of(DOCUMENT);

  @Test
  void aDocumentedResponsePasses() {
    assertThat(
            contract.violations(
                "GET",
                "/api/v1/things/7",
                200,
                JSON,
                "{\"id\":\"0b6f3c1e-2a8d-4d8e-9a77-3f1c2b9e5d10\",\"count\":2,\"reason\":null}"))
        .isEmpty();
    assertThat(
            contract.violations(
                "GET",
                "/api/v1/things/7",
                404,
                PROBLEM,
                "{\"type\":\"https://bazaar.dev/problems/not-found\",\"title\":\"Not Found\","
                    + "\"status\":404}"))
        .isEmpty();
  }

  @Test
  void anUndocumentedStatusFails() {
    assertThatThrownBy(
            () ->
                contract.check(
                    "GET",
                    "/api/v1/things/7",
                    409,
                    PROBLEM,
                    "{\"type\":\"x\",\"title\":\"t\"," + "\"status\":409}"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("409")
        .hasMessageContaining("validation.response.status.unknown");
  }

  @Test
  void aBodyThatBreaksItsSchemaFails() {
    assertThat(
            contract.violations(
                "GET",
                "/api/v1/things/7",
                200,
                JSON,
                "{\"id\":\"0b6f3c1e-2a8d-4d8e-9a77-3f1c2b9e5d10\"}"))
        .anyMatch(v -> v.contains("count"));
    assertThat(
            contract.violations(
                "GET",
                "/api/v1/things/7",
                200,
                JSON,
                "{\"id\":\"0b6f3c1e-2a8d-4d8e-9a77-3f1c2b9e5d10\",\"count\":\"many\"}"))
        .isNotEmpty();
  }

  @Test
  void aProblemBodyIsCheckedToo() {
    assertThat(contract.violations("GET", "/api/v1/things/7", 404, PROBLEM, "{\"title\":\"x\"}"))
        .isNotEmpty();
  }

  @Test
  void aMissingRequiredHeaderFails() {
    assertThat(
            contract.violations(
                "GET",
                "/api/v1/things/7",
                200,
                Map.of("Content-Type", List.of("application/json")),
                "{\"id\":\"0b6f3c1e-2a8d-4d8e-9a77-3f1c2b9e5d10\",\"count\":2}"))
        .anyMatch(v -> v.contains("X-Request-Id"));
  }

  @Test
  void headerNamesMatchInAnyCase() {
    assertThat(
            contract.violations(
                "GET",
                "/api/v1/things/7",
                200,
                Map.of("content-type", List.of("application/json"), "x-request-id", List.of("r")),
                "{\"id\":\"0b6f3c1e-2a8d-4d8e-9a77-3f1c2b9e5d10\",\"count\":2}"))
        .isEmpty();
  }

  @Test
  void aWrongContentTypeFails() {
    assertThat(contract.violations("GET", "/api/v1/things/7", 200, PROBLEM, "{\"count\":1}"))
        .isNotEmpty();
  }

  @Test
  void pathsAndMethodsTheDocumentLacksAreNotJudged() {
    assertThat(contract.violations("GET", "/q/health/ready", 503, JSON, "{}")).isEmpty();
    assertThat(contract.violations("DELETE", "/api/v1/things/7", 405, PROBLEM, "{}")).isEmpty();
  }
}
