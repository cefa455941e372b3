package dev.bazaar.chassis.openapi;

import dev.bazaar.chassis.problem.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * What every service's OpenAPI document says the same way, so that the resources only annotate what
 * is theirs: the licence and a relative server, the bearer-JWT scheme ({@value #BEARER}), the RFC
 * 9457 problem schema on every error response, {@code X-Request-Id} on every response, the shared
 * header components ({@code Location}, {@code ETag}, ...), and {@code security: []} on operations
 * that need no token (so a reader, and a linter, can tell "public" from "forgotten").
 *
 * <p>Registered for every service by {@code mp.openapi.filter} in the chassis' defaults; SmallRye
 * runs it on the build-time document and on the one {@code /q/openapi} serves.
 */
public class ContractFilter implements OASFilter {

  /** Name of the security scheme (HTTP bearer, a JWT issued by users). */
  public static final String BEARER = "bearer";

  public static final String PROBLEM = "Problem";
  public static final String FIELD_ERROR = "FieldError";

  /** Header components, by the header's own name. */
  public static final String X_REQUEST_ID = "X-Request-Id";

  public static final String LOCATION = "Location";
  public static final String ETAG = "ETag";
  public static final String PREFERENCE_APPLIED = "Preference-Applied";
  public static final String WWW_AUTHENTICATE = "WWW-Authenticate";
  public static final String RETRY_AFTER = "Retry-After";

  @Override
  public void filterOpenAPI(OpenAPI api) {
    if (api.getInfo() != null) {
      api.getInfo()
          .license(OASFactory.createLicense().name("Apache License 2.0").identifier("Apache-2.0"))
          .contact(
              OASFactory.createContact().name("Bazaar maintainers").url("https://bazaar.dev/"));
    }
    // Behind the gateway every path is relative to where the document was fetched from.
    api.servers(new ArrayList<>(List.of(OASFactory.createServer().url("/"))));
    Components components = api.getComponents();
    if (components == null) {
      components = OASFactory.createComponents();
      api.components(components);
    }
    components.addSecurityScheme(
        BEARER,
        OASFactory.createSecurityScheme()
            .type(SecurityScheme.Type.HTTP)
            .scheme("bearer")
            .bearerFormat("JWT")
            .description(
                "An RS256 access token from POST /api/v1/auth/token (15 minutes); the groups"
                    + " claim carries the roles (customer, admin)."));
    components.addSchema(FIELD_ERROR, fieldErrorSchema());
    components.addSchema(PROBLEM, problemSchema());
    header(
        components,
        X_REQUEST_ID,
        "The request's id (given by the client or made by the edge).",
        SchemaType.STRING,
        null);
    header(
        components,
        LOCATION,
        "Where the created or accepted resource can be read.",
        SchemaType.STRING,
        "uri-reference");
    header(
        components,
        ETAG,
        "Strong entity tag of the representation (for If-None-Match).",
        SchemaType.STRING,
        null);
    header(
        components,
        PREFERENCE_APPLIED,
        "The preference that was honoured (RFC 7240), e.g. wait=5.",
        SchemaType.STRING,
        null);
    header(
        components,
        WWW_AUTHENTICATE,
        "The authentication scheme to use (Bearer).",
        SchemaType.STRING,
        null);
    header(
        components, RETRY_AFTER, "Seconds to wait before trying again.", SchemaType.INTEGER, null);
    nullable(components);
    if (api.getPaths() == null || api.getPaths().getPathItems() == null) {
      return;
    }
    java.util.Set<String> used = new java.util.HashSet<>();
    for (var path : api.getPaths().getPathItems().values()) {
      for (Operation op : path.getOperations().values()) {
        operation(op);
        if (op.getResponses() != null && op.getResponses().getAPIResponses() != null) {
          for (APIResponse r : op.getResponses().getAPIResponses().values()) {
            if (r.getHeaders() != null) {
              for (Header h : r.getHeaders().values()) {
                if (h.getRef() != null) {
                  used.add(h.getRef().substring(h.getRef().lastIndexOf('/') + 1));
                }
              }
            }
          }
        }
      }
    }
    // Shared header components a service does not use would only be noise in its document.
    for (String name : List.copyOf(components.getHeaders().keySet())) {
      if (!used.contains(name)) {
        components.removeHeader(name);
      }
    }
  }

  private static void operation(Operation op) {
    if (op.getSecurity() == null || op.getSecurity().isEmpty()) {
      op.setSecurity(new ArrayList<>());
    } else {
      // Bearer scopes name no OAuth scopes here; the roles are said in the description.
      op.setSecurity(
          new ArrayList<>(List.of(OASFactory.createSecurityRequirement().addScheme(BEARER))));
    }
    if (op.getResponses() == null || op.getResponses().getAPIResponses() == null) {
      return;
    }
    for (Map.Entry<String, APIResponse> entry : op.getResponses().getAPIResponses().entrySet()) {
      APIResponse response = entry.getValue();
      if (response.getRef() != null) {
        continue;
      }
      if (response.getHeaders() == null || !response.getHeaders().containsKey(X_REQUEST_ID)) {
        response.addHeader(X_REQUEST_ID, ref(X_REQUEST_ID));
      }
      int status = status(entry.getKey());
      if (status >= 400) {
        response.content(problemContent());
        if (status == 401
            && (response.getHeaders() == null
                || !response.getHeaders().containsKey(WWW_AUTHENTICATE))) {
          response.addHeader(WWW_AUTHENTICATE, ref(WWW_AUTHENTICATE));
        }
        if (response.getDescription() == null || response.getDescription().isBlank()) {
          response.description("Problem (RFC 9457)");
        }
      }
    }
  }

  /**
   * Record components that are {@code null} in some answers ({@code bazaar.openapi.nullable}, a
   * list of {@code Schema.property}, set by each service): SmallRye cannot tell from a record that
   * {@code OrderView.reason} is null until the order is cancelled, and a document that says
   * "string" for a {@code null} is one the response checks rightly refuse. A property that refers
   * to a simple schema (such as {@code UUID}) gets that schema inline, since a 3.1 {@code $ref}
   * cannot be widened in place.
   */
  static void nullable(Components components) {
    List<String> entries =
        org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getOptionalValues("bazaar.openapi.nullable", String.class)
            .orElse(List.of());
    Map<String, Schema> schemas = components.getSchemas();
    for (String entry : entries) {
      int dot = entry.indexOf('.');
      Schema owner = schemas == null || dot < 0 ? null : schemas.get(entry.substring(0, dot));
      String name = dot < 0 ? entry : entry.substring(dot + 1);
      Schema property =
          owner == null || owner.getProperties() == null ? null : owner.getProperties().get(name);
      if (property == null) {
        throw new IllegalStateException(
            "bazaar.openapi.nullable names " + entry + ", which is not a documented property");
      }
      if (property.getRef() != null) {
        Schema target =
            schemas.get(property.getRef().substring(property.getRef().lastIndexOf('/') + 1));
        Schema inline = OASFactory.createSchema().type(new ArrayList<>(target.getType()));
        inline.format(target.getFormat()).pattern(target.getPattern());
        property = inline;
        owner.addProperty(name, property);
      }
      if (!property.getType().contains(SchemaType.NULL)) {
        property.addType(SchemaType.NULL);
      }
    }
  }

  private static int status(String code) {
    try {
      return Integer.parseInt(code);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A reference to a header component, as it appears in a response. */
  public static Header ref(String name) {
    return OASFactory.createHeader().ref("#/components/headers/" + name);
  }

  /** {@code application/problem+json} with the problem schema. */
  public static Content problemContent() {
    MediaType media =
        OASFactory.createMediaType()
            .schema(OASFactory.createSchema().ref("#/components/schemas/" + PROBLEM));
    return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, media);
  }

  private static void header(
      Components components, String name, String description, SchemaType type, String format) {
    Schema schema = OASFactory.createSchema().addType(type);
    if (format != null) {
      schema.format(format);
    }
    Header header = OASFactory.createHeader().description(description).schema(schema);
    if (name.equals(X_REQUEST_ID)) {
      // The chassis' correlation route sets it on every response, errors included.
      header.required(true);
    }
    components.addHeader(name, header);
  }

  private static Schema fieldErrorSchema() {
    return OASFactory.createSchema()
        .addType(SchemaType.OBJECT)
        .description("One invalid input field and why it is invalid.")
        .addRequired("field")
        .addRequired("message")
        .addProperty("field", OASFactory.createSchema().addType(SchemaType.STRING))
        .addProperty("message", OASFactory.createSchema().addType(SchemaType.STRING));
  }

  private static Schema problemSchema() {
    return OASFactory.createSchema()
        .addType(SchemaType.OBJECT)
        .description(
            "An RFC 9457 problem document. type is stable per kind of error"
                + " (https://bazaar.dev/problems/<slug>); detail says what was wrong with this"
                + " request.")
        .addRequired("type")
        .addRequired("title")
        .addRequired("status")
        .addProperty(
            "type",
            OASFactory.createSchema()
                .addType(SchemaType.STRING)
                .format("uri")
                .examples(new ArrayList<>(List.of(Problem.type("validation")))))
        .addProperty("title", OASFactory.createSchema().addType(SchemaType.STRING))
        .addProperty(
            "status",
            OASFactory.createSchema()
                .addType(SchemaType.INTEGER)
                .minimum(new java.math.BigDecimal(400))
                .maximum(new java.math.BigDecimal(599)))
        .addProperty("detail", OASFactory.createSchema().addType(SchemaType.STRING))
        .addProperty("instance", OASFactory.createSchema().addType(SchemaType.STRING))
        .addProperty(
            "requestId",
            OASFactory.createSchema()
                .addType(SchemaType.STRING)
                .description("The X-Request-Id of the request, to quote when reporting it."))
        .addProperty(
            "errors",
            OASFactory.createSchema()
                .addType(SchemaType.ARRAY)
                .items(OASFactory.createSchema().ref("#/components/schemas/" + FIELD_ERROR)));
  }
}
