package travelwatch.platform.http;

import io.vertx.core.json.JsonObject;

/**
 * One problem with one field of a request; {@code index} is set for items of a batch. A problem in
 * an uploaded file names the {@code file}, its {@code line} and {@code column} instead of a field.
 */
public record FieldProblem(
    Integer index, String field, String message, String file, Integer line, Integer column) {

  public FieldProblem(Integer index, String field, String message) {
    this(index, field, message, null, null, null);
  }

  public static FieldProblem at(String field, String message) {
    return new FieldProblem(null, field, message);
  }

  /** A problem at a line and column (1-based; 0 for the whole line or file) of an uploaded file. */
  public static FieldProblem inFile(String file, int line, int column, String message) {
    return new FieldProblem(null, null, message, file, line, column);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (file != null) {
      return json.put("file", file).put("line", line).put("column", column).put("message", message);
    }
    if (index != null) {
      json.put("index", index);
    }
    return json.put("field", field).put("message", message);
  }
}
