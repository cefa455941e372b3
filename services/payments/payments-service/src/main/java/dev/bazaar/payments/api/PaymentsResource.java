package dev.bazaar.payments.api;

import dev.bazaar.chassis.db.Tx;
import dev.bazaar.chassis.paging.PageRequest;
import dev.bazaar.chassis.problem.ProblemException;
import dev.bazaar.payments.persistence.PaymentRepository;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The payments of an order, for its owner and for admins. */
@Path("/api/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Payments", description = "The payments of the caller's orders")
public class PaymentsResource {

  static final String ADMIN = "admin";
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  @Inject DataSource dataSource;
  @Inject PaymentRepository payments;
  @Inject JsonWebToken jwt;

  /**
   * {@code orderId} is read raw from the URI so that a missing, empty or malformed value is a 400
   * naming it (a {@code UUID @QueryParam} that does not convert is a 404 in JAX-RS).
   */
  @GET
  @Authenticated
  @Operation(
      operationId = "listPayments",
      summary = "The payment of an order",
      description =
          "At most one item: the order's decided payment (AUTHORIZED, DECLINED or REFUNDED)."
              + " Only the order's customer and admins see it; anyone else gets no items.")
  @Parameter(
      name = "orderId",
      in = ParameterIn.QUERY,
      description = "the order's id",
      required = true,
      schema = @Schema(type = SchemaType.STRING, format = "uuid"))
  @Parameter(
      name = "page",
      in = ParameterIn.QUERY,
      description = "Page number, from 0",
      schema = @Schema(type = SchemaType.INTEGER, minimum = "0", defaultValue = "0"))
  @Parameter(
      name = "size",
      in = ParameterIn.QUERY,
      description = "Items per page, 1 to 100",
      schema =
          @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100", defaultValue = "20"))
  @APIResponse(
      responseCode = "200",
      description = "The order's payment, if the caller may see it",
      content = @Content(schema = @Schema(implementation = PaymentList.class)))
  @APIResponse(responseCode = "400", description = "orderId, page or size is missing or malformed")
  @APIResponse(responseCode = "401", description = "No valid bearer token")
  public PaymentList byOrder(@Context UriInfo uri) {
    UUID orderId = orderId(uri.getQueryParameters().getFirst("orderId"));
    PageRequest page = PageRequest.from(uri.getQueryParameters());
    UUID caller = subject(jwt);
    // An admin sees any order's payment; a customer only their own, and an empty list otherwise,
    // so that nobody learns whether someone else's order has a payment.
    UUID owner = jwt.getGroups().contains(ADMIN) ? null : caller;
    // One order has at most one decided payment, so the page is cut from the whole answer.
    List<PaymentView> all = Tx.run(dataSource, c -> payments.visible(c, orderId, owner));
    int from = (int) Math.min(page.offset(), all.size());
    int to = (int) Math.min(page.offset() + page.size(), all.size());
    return new PaymentList(all.subList(from, to), page.page(), page.size(), all.size());
  }

  static UUID orderId(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ProblemException.validation("orderId", "orderId is required (the order's id, a UUID)");
    }
    String value = raw.strip();
    // UUID.fromString also takes abbreviations such as "1-2-3-4-5"; ids are only ever canonical.
    if (!UUID_TEXT.matcher(value).matches()) {
      throw ProblemException.validation(
          "orderId", "orderId must be a UUID, but was '" + abbreviate(raw) + "'");
    }
    return UUID.fromString(value);
  }

  static UUID subject(JsonWebToken jwt) {
    try {
      return UUID.fromString(jwt.getSubject());
    } catch (RuntimeException e) {
      throw ProblemException.unauthorized("the token's subject is not a user id");
    }
  }

  private static String abbreviate(String raw) {
    return raw.length() <= 60 ? raw : raw.substring(0, 60) + "...";
  }
}
