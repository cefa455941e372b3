package dev.bazaar.catalog.api;

import dev.bazaar.catalog.domain.ProductSearch;
import dev.bazaar.chassis.problem.Validator;
import java.util.Optional;

/**
 * Turns the raw {@code q}, {@code page} and {@code size} query parameters into a {@link
 * ProductSearch}, or a 400 problem naming every bad parameter. The parameters arrive as strings so
 * that "abc" is a validation error and not a JAX-RS conversion failure.
 */
final class ListingParams {

  private ListingParams() {}

  static ProductSearch parse(String q, String page, String size) {
    Validator v = new Validator();
    Integer p = wholeNumber(v, "page", page, 0);
    Integer s = wholeNumber(v, "size", size, ProductSearch.DEFAULT_SIZE);
    if (p != null) {
      v.require(p >= 0, "page", "page must be 0 or more, but was " + p);
    }
    if (s != null) {
      v.range("size", s, 1, ProductSearch.MAX_SIZE);
    }
    if (q != null) {
      v.require(
          q.length() <= ProductSearch.MAX_TEXT,
          "q",
          "q must be at most "
              + ProductSearch.MAX_TEXT
              + " characters long, but was "
              + q.length());
    }
    v.throwIfInvalid();
    return new ProductSearch(Optional.ofNullable(q), p, s);
  }

  /** The parsed value, the default when absent or blank, or null after recording an error. */
  static Integer wholeNumber(Validator v, String field, String raw, int defaultValue) {
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      String shown = raw.length() > 20 ? raw.substring(0, 20) + "..." : raw;
      v.require(false, field, field + " must be a whole number, but was '" + shown + "'");
      return null;
    }
  }
}
