package dev.bazaar.chassis.paging;

import dev.bazaar.chassis.problem.Validator;
import java.util.List;
import java.util.Map;

/**
 * The one paging convention of every Bazaar list (docs/api.md, "Paging"): {@code ?page=&size=},
 * {@code page} counting from 0, {@code size} from 1 to a maximum (100 unless a list says
 * otherwise); the answer is {@code {items, page, size, total}}, so a client reads every item by
 * asking for pages 0 .. ceil(total / size) - 1. A page past the end is empty, not an error.
 *
 * <p>The parameters arrive as raw strings so that {@code page=abc} or an empty {@code size=} is a
 * 400 naming the field, not the 404 JAX-RS gives for an unconvertible query parameter (and not the
 * default, which a {@code @QueryParam} would make of an empty value): resources read them from
 * {@code UriInfo.getQueryParameters()} with {@link #from(Map)}.
 */
public record PageRequest(int page, int size) {

  public static final int DEFAULT_SIZE = 20;
  public static final int MAX_SIZE = 100;

  public PageRequest {
    if (page < 0 || size < 1) {
      throw new IllegalArgumentException("page " + page + " size " + size);
    }
  }

  /** Rows to skip; a long because page x size can exceed an int. */
  public long offset() {
    return (long) page * size;
  }

  /** {@code page} and {@code size} of a query (absent: page 0, size 20), the first of each. */
  public static PageRequest from(Map<String, List<String>> query) {
    return parse(first(query, "page"), first(query, "size"));
  }

  /** The first value of a query parameter, or null when it is absent. */
  public static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** With the default size 20 and maximum 100. */
  public static PageRequest parse(String page, String size) {
    return parse(page, size, DEFAULT_SIZE, MAX_SIZE);
  }

  /**
   * Validates raw {@code page} and {@code size}; absent (null) means page 0 and {@code
   * defaultSize}, while a value that is present but empty or blank is refused like any other
   * non-number.
   *
   * @throws dev.bazaar.chassis.problem.ProblemException a 400 naming each bad parameter
   */
  public static PageRequest parse(String page, String size, int defaultSize, int maxSize) {
    return parse(page, "size", size, defaultSize, maxSize);
  }

  /** As {@link #parse(String, String, int, int)}, with the size parameter under another name. */
  public static PageRequest parse(
      String page, String sizeName, String size, int defaultSize, int maxSize) {
    Validator v = new Validator();
    PageRequest request = read(v, page, sizeName, size, defaultSize, maxSize);
    v.throwIfInvalid();
    return request;
  }

  /**
   * As {@link #from(Map)}, but what is wrong is recorded in {@code v} (and null returned), so that
   * a list with parameters of its own answers one problem naming every bad one.
   */
  public static PageRequest read(Validator v, Map<String, List<String>> query) {
    return read(v, first(query, "page"), "size", first(query, "size"), DEFAULT_SIZE, MAX_SIZE);
  }

  /** The rules themselves; null after recording every bad parameter in {@code v}. */
  public static PageRequest read(
      Validator v, String page, String sizeName, String size, int defaultSize, int maxSize) {
    int before = v.errors().size();
    Integer p = v.wholeNumber("page", page, 0);
    Integer s = v.wholeNumber(sizeName, size, defaultSize);
    if (page != null && page.isBlank()) {
      v.require(false, "page", "page must be a whole number, but was '" + page + "'");
    }
    if (size != null && size.isBlank()) {
      v.require(
          false,
          sizeName,
          sizeName
              + " must be a whole number between 1 and "
              + maxSize
              + ", but was '"
              + size
              + "'");
    }
    if (p != null) {
      v.require(p >= 0, "page", "page must be 0 or more, but was " + p);
    }
    if (s != null) {
      v.range(sizeName, s, 1, maxSize);
    }
    return v.errors().size() == before ? new PageRequest(p, s) : null;
  }
}
