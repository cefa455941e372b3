package dev.bazaar.chassis.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects every field error of a request body, then throws one 400 problem naming all of them
 * ("quantity must be between 1 and 100, but was 0").
 */
public final class Validator {

  private static final Pattern EMAIL =
      Pattern.compile(
          "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

  private final List<Problem.FieldError> errors = new ArrayList<>();

  public Validator require(boolean condition, String field, String message) {
    if (!condition) {
      errors.add(new Problem.FieldError(field, message));
    }
    return this;
  }

  /** Required string with a length range; returns false when it was invalid. */
  public boolean text(String field, String value, int min, int max) {
    if (value == null) {
      errors.add(new Problem.FieldError(field, field + " is required"));
      return false;
    }
    int len = value.strip().length();
    if (len < min || value.length() > max) {
      errors.add(
          new Problem.FieldError(
              field,
              field
                  + " must be between "
                  + min
                  + " and "
                  + max
                  + " characters long, but was "
                  + value.length()));
      return false;
    }
    return true;
  }

  public boolean email(String field, String value) {
    if (!text(field, value, 3, 254)) {
      return false;
    }
    if (!EMAIL.matcher(value).matches()) {
      errors.add(new Problem.FieldError(field, field + " must be an email address"));
      return false;
    }
    return true;
  }

  public boolean range(String field, Integer value, int min, int max) {
    if (value == null) {
      errors.add(new Problem.FieldError(field, field + " is required"));
      return false;
    }
    if (value < min || value > max) {
      errors.add(
          new Problem.FieldError(
              field, field + " must be between " + min + " and " + max + ", but was " + value));
      return false;
    }
    return true;
  }

  /**
   * A whole number from a raw query parameter: the default when absent or blank, else the parsed
   * value, or null after recording "page must be a whole number, but was 'abc'". Parameters arrive
   * as strings so that a typo is a 400 naming the field, not a framework conversion failure.
   */
  public Integer wholeNumber(String field, String raw, int defaultValue) {
    if (raw == null || raw.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(raw.strip());
    } catch (NumberFormatException e) {
      String shown = raw.length() > 20 ? raw.substring(0, 20) + "..." : raw;
      errors.add(
          new Problem.FieldError(
              field, field + " must be a whole number, but was '" + shown + "'"));
      return null;
    }
  }

  public boolean notNull(String field, Object value) {
    if (value == null) {
      errors.add(new Problem.FieldError(field, field + " is required"));
      return false;
    }
    return true;
  }

  public List<Problem.FieldError> errors() {
    return List.copyOf(errors);
  }

  /** Throws a 400 problem when any rule failed. */
  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw ProblemException.validation(errors());
    }
  }
}
