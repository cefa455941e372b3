package dev.bazaar.catalog.domain;

import java.util.Optional;

/**
 * A validated listing query: an optional search text and a page window. The listing is ordered by
 * (name, id) so that pages are stable.
 */
public record ProductSearch(Optional<String> text, int page, int size) {

  public static final int DEFAULT_SIZE = 20;
  public static final int MAX_SIZE = 100;
  public static final int MAX_TEXT = 100;

  public ProductSearch {
    text = text.map(String::strip).filter(t -> !t.isEmpty());
    if (page < 0) {
      throw new IllegalArgumentException("page must be 0 or more, but was " + page);
    }
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "size must be between 1 and " + MAX_SIZE + ", but was " + size);
    }
  }

  /** Rows to skip; a long because page × size can exceed an int. */
  public long offset() {
    return (long) page * size;
  }

  /**
   * The text as an ILIKE pattern that matches it anywhere, with the pattern characters {@code %},
   * {@code _} and the escape character {@code \} taken literally.
   */
  public Optional<String> containsPattern() {
    return text.map(
        t -> "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
  }
}
