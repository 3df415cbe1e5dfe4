package travelwatch.ingest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A fast yes/no check of an event against its schema in the API contract, compiled once from the
 * same {@code openapi.yaml}. It understands exactly the keywords the event schemas use and refuses
 * to compile a schema with any other, so it can never quietly skip a constraint. Events it accepts
 * are valid; for those it refuses, the reference JSON Schema validator explains why. A differential
 * fuzz test keeps the two in agreement.
 */
final class CompiledSchema {
  private static final Set<String> KNOWN =
      Set.of(
          "type",
          "required",
          "properties",
          "additionalProperties",
          "const",
          "enum",
          "minLength",
          "maxLength",
          "minimum",
          "maximum",
          "pattern",
          "format",
          "$ref",
          "description");

  /** One compiled (sub)schema: a predicate on a JSON value. */
  private interface Check {
    boolean accepts(Object value);
  }

  private final Check root;

  private CompiledSchema(Check root) {
    this.root = root;
  }

  static CompiledSchema compile(JsonObject openApi, String schemaName) {
    JsonObject schemas = openApi.getJsonObject("components").getJsonObject("schemas");
    return new CompiledSchema(compile(schemas, schemas.getJsonObject(schemaName), schemaName));
  }

  boolean accepts(JsonObject event) {
    return root.accepts(event);
  }

  private static Check compile(JsonObject schemas, JsonObject schema, String where) {
    for (String keyword : schema.fieldNames()) {
      if (!KNOWN.contains(keyword)) {
        throw new IllegalStateException(
            where + ": keyword '" + keyword + "' is not supported by the fast check");
      }
    }
    if (schema.containsKey("$ref")) {
      String ref = schema.getString("$ref");
      String prefix = "#/components/schemas/";
      if (!ref.startsWith(prefix)
          || schema.size() > 1 + (schema.containsKey("description") ? 1 : 0)) {
        throw new IllegalStateException(where + ": unsupported $ref " + ref);
      }
      String name = ref.substring(prefix.length());
      return compile(schemas, schemas.getJsonObject(name), name);
    }
    List<Check> checks = new ArrayList<>();
    String type = schema.getString("type");
    if (type != null) {
      checks.add(typeCheck(type));
    }
    if (schema.containsKey("const")) {
      Object expected = schema.getValue("const");
      checks.add(v -> expected.equals(v));
    }
    if (schema.containsKey("enum")) {
      JsonArray allowed = schema.getJsonArray("enum");
      checks.add(allowed::contains);
    }
    Integer minLength = schema.getInteger("minLength");
    Integer maxLength = schema.getInteger("maxLength");
    if (minLength != null || maxLength != null) {
      int min = minLength == null ? 0 : minLength;
      int max = maxLength == null ? Integer.MAX_VALUE : maxLength;
      checks.add(
          v -> !(v instanceof String s) || within(s.codePointCount(0, s.length()), min, max));
    }
    if (schema.containsKey("minimum") || schema.containsKey("maximum")) {
      Number min = (Number) schema.getValue("minimum");
      Number max = (Number) schema.getValue("maximum");
      checks.add(v -> !(v instanceof Number n) || inRange(n, min, max));
    }
    if (schema.containsKey("pattern")) {
      Pattern pattern = Pattern.compile(schema.getString("pattern"));
      checks.add(v -> !(v instanceof String s) || pattern.matcher(s).find());
    }
    if (schema.containsKey("format")) {
      String format = schema.getString("format");
      if (!format.equals("date")) {
        throw new IllegalStateException(where + ": format '" + format + "' is not supported");
      }
      checks.add(v -> !(v instanceof String s) || isDate(s));
    }
    if (schema.containsKey("properties")
        || schema.containsKey("required")
        || schema.containsKey("additionalProperties")) {
      checks.add(objectCheck(schemas, schema, where));
    }
    Check[] all = checks.toArray(Check[]::new);
    return v -> {
      for (Check c : all) {
        if (!c.accepts(v)) {
          return false;
        }
      }
      return true;
    };
  }

  private static Check objectCheck(JsonObject schemas, JsonObject schema, String where) {
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    Map<String, Check> byName = new HashMap<>();
    for (String name : properties.fieldNames()) {
      byName.put(name, compile(schemas, properties.getJsonObject(name), where + "." + name));
    }
    List<String> required =
        schema.getJsonArray("required", new JsonArray()).stream().map(String::valueOf).toList();
    Object additional = schema.getValue("additionalProperties");
    if (additional != null && !Boolean.FALSE.equals(additional)) {
      throw new IllegalStateException(where + ": only additionalProperties: false is supported");
    }
    boolean closed = Boolean.FALSE.equals(additional);
    return v -> {
      if (!(v instanceof JsonObject o)) {
        return true; // "type" decides whether a non-object is allowed
      }
      for (String r : required) {
        if (!o.containsKey(r)) {
          return false;
        }
      }
      for (Map.Entry<String, Object> e : o) {
        Check c = byName.get(e.getKey());
        if (c == null) {
          if (closed) {
            return false;
          }
        } else if (!c.accepts(e.getValue())) {
          return false;
        }
      }
      return true;
    };
  }

  private static Check typeCheck(String type) {
    return switch (type) {
      case "object" -> v -> v instanceof JsonObject;
      case "string" -> v -> v instanceof String;
      case "boolean" -> v -> v instanceof Boolean;
      case "number" -> v -> v instanceof Number n && finite(n);
      case "integer" -> v -> v instanceof Number n && finite(n) && isWhole(n);
      default -> throw new IllegalStateException("type '" + type + "' is not supported");
    };
  }

  private static boolean finite(Number n) {
    return !(n instanceof Double d && (d.isNaN() || d.isInfinite()))
        && !(n instanceof Float f && (f.isNaN() || f.isInfinite()));
  }

  private static boolean isWhole(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      return d == Math.rint(d);
    }
    if (n instanceof BigDecimal b) {
      return b.stripTrailingZeros().scale() <= 0;
    }
    return true;
  }

  private static boolean inRange(Number n, Number min, Number max) {
    double d = n.doubleValue();
    return (min == null || d >= min.doubleValue()) && (max == null || d <= max.doubleValue());
  }

  private static boolean within(int length, int min, int max) {
    return length >= min && length <= max;
  }

  private static boolean isDate(String s) {
    try {
      LocalDate.parse(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
