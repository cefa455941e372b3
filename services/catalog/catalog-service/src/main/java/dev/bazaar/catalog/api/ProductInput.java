package dev.bazaar.catalog.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bazaar.chassis.problem.Validator;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the admin's product bodies field by field, from the JSON tree rather than a bound
 * record: Jackson would silently turn {@code 12.5} into {@code 12} and {@code "7"} into {@code 7},
 * while an admin setting prices and stock must be told instead. Every bad field is one {@code
 * errors[]} entry of a single 400 problem, and nothing is written.
 */
final class ProductInput {

  static final int MAX_NAME = 200;
  static final int MAX_DESCRIPTION = 2000;
  static final int MAX_STOCK = 1_000_000;
  // The seeded products' rule: an ISO 4217 code, three upper-case letters.
  private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
  private static final Set<String> PRODUCT_FIELDS = Set.of("name", "description", "price", "stock");
  private static final Set<String> PRICE_FIELDS = Set.of("amount", "currency");
  private static final Set<String> STOCK_FIELDS = Set.of("stock");

  private ProductInput() {}

  /** A full product body ({@code POST} and {@code PUT /{id}}). */
  static ProductRequest product(JsonNode body) {
    Validator v = new Validator();
    if (!object(v, "body", body)) {
      v.throwIfInvalid();
    }
    unknownFields(v, "", body, PRODUCT_FIELDS);
    String name = null;
    JsonNode nameNode = body.get("name");
    if (textOrMissing(v, "name", nameNode) && v.text("name", text(nameNode), 1, MAX_NAME)) {
      name = nameNode.asText().strip();
    }
    String description = "";
    JsonNode descriptionNode = body.get("description");
    if (descriptionNode != null && !descriptionNode.isNull()) {
      if (textOrMissing(v, "description", descriptionNode)) {
        description = descriptionNode.asText();
        v.require(
            description.length() <= MAX_DESCRIPTION,
            "description",
            "description must be at most "
                + MAX_DESCRIPTION
                + " characters long, but was "
                + description.length());
      }
    }
    Money price = null;
    JsonNode priceNode = body.get("price");
    if (object(v, "price", priceNode)) {
      unknownFields(v, "price.", priceNode, PRICE_FIELDS);
      Long amount = wholeNumber(v, "price.amount", priceNode.get("amount"), 0, Long.MAX_VALUE);
      String currency = null;
      JsonNode currencyNode = priceNode.get("currency");
      if (textOrMissing(v, "price.currency", currencyNode)
          && v.notNull("price.currency", text(currencyNode))) {
        currency = currencyNode.asText();
        v.require(
            CURRENCY.matcher(currency).matches(),
            "price.currency",
            "price.currency must be three upper-case letters (ISO 4217), but was '"
                + shorten(currency)
                + "'");
      }
      if (amount != null && currency != null) {
        price = new Money(amount, currency);
      }
    }
    Integer stock = stockOf(v, body);
    v.throwIfInvalid();
    return new ProductRequest(name, description, price, stock);
  }

  /** A stock body ({@code PUT /{id}/stock}). */
  static int stock(JsonNode body) {
    Validator v = new Validator();
    if (!object(v, "body", body)) {
      v.throwIfInvalid();
    }
    unknownFields(v, "", body, STOCK_FIELDS);
    Integer stock = stockOf(v, body);
    v.throwIfInvalid();
    return stock;
  }

  private static Integer stockOf(Validator v, JsonNode body) {
    Long stock = wholeNumber(v, "stock", body.get("stock"), 0, MAX_STOCK);
    return stock == null ? null : stock.intValue();
  }

  private static boolean object(Validator v, String field, JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      v.require(false, field, field + " is required");
      return false;
    }
    if (!node.isObject()) {
      v.require(false, field, field + " must be a JSON object");
      return false;
    }
    return true;
  }

  private static boolean textOrMissing(Validator v, String field, JsonNode node) {
    if (node != null && !node.isNull() && !node.isTextual()) {
      v.require(false, field, field + " must be a string");
      return false;
    }
    return true;
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static Long wholeNumber(Validator v, String field, JsonNode node, long min, long max) {
    if (node == null || node.isNull()) {
      v.require(false, field, field + " is required");
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      String shown = shorten(node.toString());
      v.require(false, field, field + " must be a whole number, but was " + shown);
      return null;
    }
    long value = node.asLong();
    if (value < min || value > max) {
      v.require(
          false,
          field,
          field
              + (max == Long.MAX_VALUE
                  ? " must be " + min + " or more"
                  : " must be between " + min + " and " + max)
              + ", but was "
              + value);
      return null;
    }
    return value;
  }

  private static void unknownFields(Validator v, String prefix, JsonNode node, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        v.require(false, prefix + shorten(f), "unknown field '" + prefix + shorten(f) + "'");
      }
    }
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
