package travelwatch.platform.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;

/** Reading small JSON request bodies the one way: an object with only the fields it may have. */
public final class JsonBodies {
  private JsonBodies() {}

  /** The body as a JSON object with no fields but {@code allowed}; anything else is a 400. */
  public static JsonObject object(RoutingContext ctx, Set<String> allowed) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      throw ApiException.badRequest(
          "The body must be a JSON object.", List.of(FieldProblem.at("", "not a JSON object")));
    }
    List<FieldProblem> unknown =
        body.fieldNames().stream()
            .filter(f -> !allowed.contains(f))
            .sorted()
            .map(f -> FieldProblem.at(f, "unknown field"))
            .toList();
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest("Unknown field.", unknown);
    }
    InboundText.require(body);
    return body;
  }
}
