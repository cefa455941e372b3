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
    Integer p = v.wholeNumber("page", page, 0);
    Integer s = v.wholeNumber("size", size, ProductSearch.DEFAULT_SIZE);
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
}
