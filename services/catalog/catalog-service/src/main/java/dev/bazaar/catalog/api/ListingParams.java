package dev.bazaar.catalog.api;

import dev.bazaar.catalog.domain.ProductSearch;
import dev.bazaar.chassis.paging.PageRequest;
import dev.bazaar.chassis.problem.Validator;
import java.util.Optional;

/**
 * Turns the raw {@code q}, {@code page} and {@code size} query parameters into a {@link
 * ProductSearch}, or a 400 problem naming every bad parameter. Paging is the chassis' {@link
 * PageRequest}, the rules of every list; {@code q} is the listing's own.
 */
final class ListingParams {

  private ListingParams() {}

  static ProductSearch parse(String q, String page, String size) {
    Validator v = new Validator();
    PageRequest request =
        PageRequest.read(v, page, "size", size, ProductSearch.DEFAULT_SIZE, ProductSearch.MAX_SIZE);
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
    return new ProductSearch(Optional.ofNullable(q), request.page(), request.size());
  }
}
