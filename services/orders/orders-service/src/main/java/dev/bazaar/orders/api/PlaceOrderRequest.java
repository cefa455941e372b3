package dev.bazaar.orders.api;

import dev.bazaar.chassis.problem.Validator;
import dev.bazaar.orders.domain.Line;
import dev.bazaar.orders.domain.Order;
import dev.bazaar.payments.api.PaymentTokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Body of {@code POST /api/v1/orders}. Only product ids and quantities are read; any price, name or
 * total a client sends is ignored (unknown JSON fields are skipped), because prices come from
 * catalog. The product id is a string so that a bad one is a field error, not a parse failure.
 */
public record PlaceOrderRequest(List<Item> items, String paymentToken) {

  /** One requested product. */
  public record Item(String productId, Integer quantity) {}

  /** A validated request line. */
  public record Wanted(UUID productId, int quantity) {}

  /** A validated request: its lines and a known payment token. */
  public record Valid(List<Wanted> items, String paymentToken) {

    /**
     * The request in one canonical text (lines in the order sent, ids lower-case), so that the same
     * order sent twice with an {@code Idempotency-Key} is recognised whatever its JSON layout.
     */
    public String canonical() {
      StringBuilder sb = new StringBuilder("token=").append(paymentToken);
      for (Wanted w : items) {
        sb.append(';').append(w.productId()).append('x').append(w.quantity());
      }
      return sb.toString();
    }
  }

  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  /**
   * The requested lines, or a 400 problem naming every invalid field. A product listed twice is
   * rejected rather than merged, so that the caller's view of its cart and the order agree. The
   * payment token must be one payments knows ({@link PaymentTokens}), checked before any saga
   * starts.
   */
  public static Valid validate(PlaceOrderRequest body) {
    Validator v = new Validator();
    List<Item> items = body == null ? null : body.items();
    String token = body == null ? null : body.paymentToken();
    if (!v.notNull("items", items)) {
      paymentToken(v, token);
      v.throwIfInvalid();
    }
    if (!v.require(
            items.size() >= 1 && items.size() <= Order.MAX_LINES,
            "items",
            "items must have between 1 and "
                + Order.MAX_LINES
                + " entries, but had "
                + items.size())
        .errors()
        .isEmpty()) {
      paymentToken(v, token);
      v.throwIfInvalid();
    }
    List<Wanted> wanted = new ArrayList<>();
    Map<UUID, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String at = "items[" + i + "]";
      Item item = items.get(i);
      if (!v.notNull(at, item)) {
        continue;
      }
      UUID productId = productId(v, at + ".productId", item.productId());
      boolean quantityOk =
          v.range(at + ".quantity", item.quantity(), Line.MIN_QUANTITY, Line.MAX_QUANTITY);
      if (productId != null) {
        Integer seen = firstIndex.putIfAbsent(productId, i);
        v.require(
            seen == null,
            at + ".productId",
            at
                + ".productId repeats items["
                + seen
                + "]; send one entry per product with the whole quantity");
        if (seen == null && quantityOk) {
          wanted.add(new Wanted(productId, item.quantity()));
        }
      }
    }
    paymentToken(v, token);
    v.throwIfInvalid();
    return new Valid(List.copyOf(wanted), token);
  }

  private static void paymentToken(Validator v, String token) {
    if (v.notNull("paymentToken", token)) {
      v.require(
          PaymentTokens.isKnown(token),
          "paymentToken",
          "paymentToken must be a known payment token, but was '"
              + (token.length() > 40 ? token.substring(0, 40) + "..." : token)
              + "'");
    }
  }

  private static UUID productId(Validator v, String field, String raw) {
    if (!v.notNull(field, raw)) {
      return null;
    }
    if (!UUID_TEXT.matcher(raw).matches()) {
      String shown = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
      v.require(false, field, field + " must be a UUID, but was '" + shown + "'");
      return null;
    }
    return UUID.fromString(raw);
  }
}
