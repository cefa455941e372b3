package dev.bazaar.orders.api;

import dev.bazaar.chassis.problem.Validator;

/**
 * A validated {@code page}/{@code size} pair from query parameters: page from 0, size 1..100,
 * default 20. The parameters arrive as strings so that "abc" is a 400, not a JAX-RS failure.
 */
public record PageParams(int page, int size) {

  public static final int DEFAULT_SIZE = 20;
  public static final int MAX_SIZE = 100;

  /** Rows to skip; a long because page × size can exceed an int. */
  public long offset() {
    return (long) page * size;
  }

  public static PageParams parse(String page, String size) {
    Validator v = new Validator();
    Integer p = v.wholeNumber("page", page, 0);
    Integer s = v.wholeNumber("size", size, DEFAULT_SIZE);
    if (p != null) {
      v.require(p >= 0, "page", "page must be 0 or more, but was " + p);
    }
    if (s != null) {
      v.range("size", s, 1, MAX_SIZE);
    }
    v.throwIfInvalid();
    return new PageParams(p, s);
  }
}
