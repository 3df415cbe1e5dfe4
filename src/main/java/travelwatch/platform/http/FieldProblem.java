package travelwatch.platform.http;

import io.vertx.core.json.JsonObject;

/** One problem with one field of a request; {@code index} is set for items of a batch. */
public record FieldProblem(Integer index, String field, String message) {

  public static FieldProblem at(String field, String message) {
    return new FieldProblem(null, field, message);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    if (index != null) {
      json.put("index", index);
    }
    return json.put("field", field).put("message", message);
  }
}
