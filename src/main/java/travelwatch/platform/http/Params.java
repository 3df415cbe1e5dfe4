package travelwatch.platform.http;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;

/** Reading request parameters the one way: a bad value is a 400 naming the parameter. */
public final class Params {
  private Params() {}

  /** A date {@code YYYY-MM-DD} that must be there. */
  public static LocalDate date(String field, String text) {
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest(
          "Missing " + field + ".", List.of(FieldProblem.at(field, "is required (YYYY-MM-DD)")));
    }
    try {
      LocalDate date = LocalDate.parse(text);
      // LocalDate takes years PostgreSQL does not: refused here, not as a database error.
      if (date.getYear() < 1900 || date.getYear() > 9999) {
        throw new DateTimeException("out of range");
      }
      return date;
    } catch (DateTimeException e) {
      throw ApiException.badRequest(
          "Bad " + field + ".",
          List.of(FieldProblem.at(field, "must be a real date as YYYY-MM-DD, got '" + text + "'")));
    }
  }

  /** A date {@code YYYY-MM-DD}, or {@code fallback} when the parameter is absent. */
  public static LocalDate date(String field, String text, LocalDate fallback) {
    return text == null ? fallback : date(field, text);
  }
}
