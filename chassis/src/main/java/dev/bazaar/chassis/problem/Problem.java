package dev.bazaar.chassis.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem document. {@code type} is stable per kind of error so that clients can branch
 * on it; {@code detail} says what exactly was wrong with this request.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String requestId,
    List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";
  public static final String TYPE_BASE = "https://bazaar.dev/problems/";

  /** One invalid input field and why it is invalid. */
  public record FieldError(String field, String message) {}

  public static String type(String slug) {
    return TYPE_BASE + slug;
  }
}
