package dev.bazaar.testing.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An OpenAPI document that responses are checked against: the status must be documented for the
 * operation, the documented headers present and well-formed, and the body must match its schema
 * (problem bodies included). Only responses are judged, so tests may still send bad requests on
 * purpose; a request to a path or method the document does not have is not judged at all (health
 * probes, metrics, deliberate 404/405 probes).
 *
 * <p>SmallRye emits OpenAPI 3.1, whose schemas are JSON Schema 2020-12; the validator speaks the
 * 3.0 dialect. {@link #downgrade} rewrites the few 3.1 forms our documents use ({@code type: [T,
 * "null"]}, {@code examples}, {@code const}) into their 3.0 equivalents, which say the same thing.
 */
public final class OpenApiContract {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenApiInteractionValidator validator;

  private OpenApiContract(String document) {
    this.validator =
        OpenApiInteractionValidator.createForInlineApiSpecification(downgrade(document))
            .withLevelResolver(
                LevelResolver.create()
                    // Only the responses are judged, and only of documented operations.
                    .withLevel("validation.request", ValidationReport.Level.IGNORE)
                    .withLevel("validation.response.path.missing", ValidationReport.Level.IGNORE)
                    .withLevel(
                        "validation.response.operation.notAllowed", ValidationReport.Level.IGNORE)
                    .build())
            .build();
  }

  /** The contract of a document given as JSON text. */
  public static OpenApiContract of(String document) {
    return new OpenApiContract(document);
  }

  /** Fetches the document (JSON) from {@code uri}; fails when it cannot be had. */
  public static OpenApiContract fetch(URI uri) {
    String body = fetchText(uri);
    if (body == null) {
      throw new IllegalStateException("no OpenAPI document at " + uri);
    }
    return of(body);
  }

  /** The document's text at {@code uri}, or null when it answers anything but 200. */
  static String fetchText(URI uri) {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri)
                  .header("Accept", "application/json")
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted fetching " + uri, e);
    }
  }

  /**
   * What is wrong with one response, one line per finding; empty when it matches the document.
   *
   * @param path the raw request path without query (e.g. {@code /api/v1/orders/42})
   */
  public List<String> violations(
      String method, String path, int status, Map<String, List<String>> headers, String body) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
    headers.forEach((name, values) -> response.withHeader(name, values));
    if (body != null && !body.isEmpty()) {
      response.withBody(body);
    }
    ValidationReport report =
        validator.validateResponse(
            path, Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), response.build());
    List<String> out = new ArrayList<>();
    for (ValidationReport.Message m : report.getMessages()) {
      if (m.getLevel() == ValidationReport.Level.ERROR) {
        out.add(m.getKey() + ": " + m.getMessage());
      }
    }
    return out;
  }

  /** Throws an {@link AssertionError} naming every violation of one response. */
  public void check(
      String method, String path, int status, Map<String, List<String>> headers, String body) {
    List<String> found = violations(method, path, status, headers, body);
    if (!found.isEmpty()) {
      throw new AssertionError(
          method
              + " "
              + path
              + " answered "
              + status
              + ", which breaks the OpenAPI document:\n  "
              + String.join("\n  ", found)
              + "\nbody: "
              + abbreviate(body));
    }
  }

  private static String abbreviate(String body) {
    if (body == null) {
      return "(none)";
    }
    return body.length() <= 600 ? body : body.substring(0, 600) + "...";
  }

  /** An OpenAPI 3.1 document in the 3.0 dialect the validator reads; 3.0 comes back unchanged. */
  static String downgrade(String document) {
    try {
      JsonNode root = JSON.readTree(document);
      if (!(root instanceof ObjectNode doc) || !doc.path("openapi").asText().startsWith("3.1")) {
        return document;
      }
      doc.put("openapi", "3.0.3");
      doc.remove("jsonSchemaDialect");
      doc.remove("webhooks");
      if (doc.path("info").path("license") instanceof ObjectNode license) {
        license.remove("identifier");
      }
      rewrite(doc);
      return JSON.writeValueAsString(doc);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON OpenAPI document", e);
    }
  }

  private static void rewrite(JsonNode node) {
    if (node instanceof ObjectNode object) {
      JsonNode type = object.get("type");
      if (type instanceof ArrayNode types) {
        List<String> named = new ArrayList<>();
        boolean nullable = false;
        for (JsonNode t : types) {
          if (t.asText().equals("null")) {
            nullable = true;
          } else {
            named.add(t.asText());
          }
        }
        if (named.size() == 1) {
          object.put("type", named.get(0));
        } else {
          object.remove("type");
        }
        if (nullable) {
          object.put("nullable", true);
        }
      }
      if (object.get("const") != null) {
        object.putArray("enum").add(object.remove("const"));
      }
      // In a schema, 3.1's examples (an array) is 3.0's example; elsewhere examples is a map.
      if (object.get("examples") instanceof ArrayNode examples) {
        object.remove("examples");
        if (!examples.isEmpty()) {
          object.set("example", examples.get(0));
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        rewrite(it.next().getValue());
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(OpenApiContract::rewrite);
    }
  }
}
