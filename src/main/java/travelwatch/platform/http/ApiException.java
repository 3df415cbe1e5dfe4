package travelwatch.platform.http;

import java.util.List;

/**
 * A request that cannot be served, carrying its HTTP status. The one failure handler turns it into
 * {@code application/problem+json}; handlers never write error responses themselves.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String type;
  private final String title;
  private final List<FieldProblem> errors;
  private final Integer retryAfterSeconds;

  public ApiException(
      int status,
      String type,
      String title,
      String detail,
      List<FieldProblem> errors,
      Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException badRequest(String detail, List<FieldProblem> errors) {
    return new ApiException(400, "validation", "Invalid request", detail, errors, null);
  }

  public static ApiException unauthorized(String detail) {
    return new ApiException(401, "unauthorized", "Unauthorized", detail, List.of(), null);
  }

  public static ApiException forbidden(String detail) {
    return forbidden(detail, List.of());
  }

  public static ApiException forbidden(String detail, List<FieldProblem> errors) {
    return new ApiException(403, "forbidden", "Forbidden", detail, errors, null);
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "not-found", "Not found", detail, List.of(), null);
  }

  public static ApiException conflict(String detail, List<FieldProblem> errors) {
    return new ApiException(409, "conflict", "Conflict", detail, errors, null);
  }

  public static ApiException unavailable(String detail, int retryAfterSeconds) {
    return new ApiException(
        503, "unavailable", "Service unavailable", detail, List.of(), retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public List<FieldProblem> errors() {
    return errors;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
