package travelwatch.plan;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import travelwatch.platform.http.FieldProblem;
import travelwatch.platform.http.InboundText;

/** Reads one JSON object of a plan document, noting every problem with its path. */
final class FieldReader {
  private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private final JsonObject json;
  private final String path;
  private final List<FieldProblem> problems;

  FieldReader(JsonObject json, String path, List<FieldProblem> problems) {
    this.json = json;
    this.path = path;
    this.problems = problems;
  }

  List<FieldProblem> problems() {
    return problems;
  }

  String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  void problem(String field, String message) {
    problems.add(FieldProblem.at(path(field), message));
  }

  void allowOnly(Set<String> fields) {
    for (String name : json.fieldNames()) {
      if (!fields.contains(name)) {
        problem(name, "unknown field");
      }
    }
  }

  String id(String field) {
    String value = text(field, true);
    if (value != null && InboundText.idProblem(value) != null) {
      problem(field, InboundText.ID_RULE);
      return null;
    }
    return value;
  }

  Optional<String> optionalId(String field) {
    if (!json.containsKey(field) || json.getValue(field) == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(id(field));
  }

  String text(String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        problem(field, "is required");
      }
      return null;
    }
    if (!(value instanceof String s)) {
      problem(field, "must be a string");
      return null;
    }
    return s;
  }

  Double coordinate(String field, double limit) {
    Object value = json.getValue(field);
    if (value == null) {
      problem(field, "is required");
      return null;
    }
    if (!(value instanceof Number n)) {
      problem(field, "must be a number");
      return null;
    }
    double d = n.doubleValue();
    if (Double.isNaN(d) || d < -limit || d > limit) {
      problem(field, "must be between -" + limit + " and " + limit);
      return null;
    }
    return d;
  }

  Integer integer(String field, boolean required, int min, int max) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        problem(field, "is required");
      }
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      problem(field, "must be a whole number");
      return null;
    }
    long v = n.longValue();
    if (v < min || v > max) {
      problem(field, "must be from " + min + " to " + max);
      return null;
    }
    return (int) v;
  }

  Boolean bool(String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        problem(field, "is required");
      }
      return null;
    }
    if (!(value instanceof Boolean b)) {
      problem(field, "must be true or false");
      return null;
    }
    return b;
  }

  LocalTime time(String field) {
    String value = text(field, true);
    if (value == null) {
      return null;
    }
    if (!TIME.matcher(value).matches()) {
      problem(field, "must be a time HH:MM, got '" + clip(value) + "'");
      return null;
    }
    return LocalTime.parse(value);
  }

  LocalDate date(String field, boolean required) {
    String value = text(field, required);
    if (value == null) {
      return null;
    }
    try {
      if (!DATE.matcher(value).matches()) {
        throw new DateTimeParseException("", value, 0);
      }
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      problem(field, "must be a date YYYY-MM-DD, got '" + clip(value) + "'");
      return null;
    }
  }

  <E extends Enum<E>> E choice(String field, Class<E> type, boolean required) {
    String value = text(field, required);
    if (value == null) {
      return null;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value) && value.equals(PlanJson.name(e))) {
        return e;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      allowed.add(PlanJson.name(e));
    }
    problem(field, "must be one of " + String.join(", ", allowed) + ", got '" + clip(value) + "'");
    return null;
  }

  /** The nested object, or null (with a problem if it is present but not an object). */
  JsonObject object(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject o)) {
      problem(field, "must be an object");
      return null;
    }
    return o;
  }

  JsonArray array(String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        problem(field, "is required");
      }
      return null;
    }
    if (!(value instanceof JsonArray a)) {
      problem(field, "must be an array");
      return null;
    }
    return a;
  }

  List<String> ids(String field) {
    JsonArray array = array(field, false);
    List<String> ids = new ArrayList<>();
    if (array == null) {
      return ids;
    }
    for (int i = 0; i < array.size(); i++) {
      Object v = array.getValue(i);
      if (!(v instanceof String s) || InboundText.idProblem(s) != null) {
        problem(field + "[" + i + "]", "must be an id: 1 to 100 letters, digits or - _ . : /");
      } else {
        ids.add(s);
      }
    }
    return ids;
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
