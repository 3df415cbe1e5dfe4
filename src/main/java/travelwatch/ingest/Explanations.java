package travelwatch.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.stream.Collectors;

/**
 * A field's refusal in words an integrator can act on, from the schema keyword it broke, the
 * field's schema and the value sent: "must be a number, got the string "52.4"", never a schema
 * library's phrasing.
 */
final class Explanations {
  private Explanations() {}

  static String of(String keywordLocation, JsonObject schema, Object value, String otherwise) {
    String keyword = keywordLocation.substring(keywordLocation.lastIndexOf('/') + 1);
    return switch (keyword) {
      case "type" -> "must be " + kind(schema.getString("type")) + ", got " + what(value);
      case "minimum" ->
          "must be at least " + number(schema.getValue("minimum")) + ", got " + what(value);
      case "maximum" ->
          "must be at most " + number(schema.getValue("maximum")) + ", got " + what(value);
      case "enum" ->
          "must be one of "
              + schema.getJsonArray("enum", new JsonArray()).stream()
                  .map(String::valueOf)
                  .collect(Collectors.joining(", "))
              + ", got "
              + what(value);
      case "minLength", "maxLength" -> length(schema, value);
      default -> otherwise;
    };
  }

  private static String length(JsonObject schema, Object value) {
    int min = schema.getInteger("minLength", 0);
    Integer max = schema.getInteger("maxLength");
    int got = value instanceof String s ? s.codePointCount(0, s.length()) : 0;
    String range =
        max == null ? "at least " + min : min == 0 ? "at most " + max : min + " to " + max;
    return "must be " + range + " characters long, got " + got;
  }

  private static String kind(String type) {
    if (type == null) {
      return "something else";
    }
    return switch (type) {
      case "number" -> "a number";
      case "integer" -> "a whole number";
      case "string" -> "a string";
      case "boolean" -> "true or false";
      case "object" -> "an object";
      case "array" -> "an array";
      default -> type;
    };
  }

  /** The value as an integrator would recognise it, short. */
  static String what(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    }
    if (value instanceof Boolean b) {
      return b.toString();
    }
    if (value instanceof Number n) {
      return "the number " + number(n);
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return "an object";
  }

  private static String number(Object n) {
    if (n instanceof Double d && (d.isNaN() || d.isInfinite())
        || n instanceof Float f && (f.isNaN() || f.isInfinite())) {
      return String.valueOf(n); // not a finite number: say so as Java writes it
    }
    if (n instanceof Double || n instanceof Float || n instanceof BigDecimal) {
      BigDecimal d = new BigDecimal(n.toString()).stripTrailingZeros();
      return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
    }
    return String.valueOf(n);
  }
}
