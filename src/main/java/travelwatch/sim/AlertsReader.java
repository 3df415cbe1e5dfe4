package travelwatch.sim;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.LocalDate;

/** Reads every alert of a day through the API, following {@code next} links. */
final class AlertsReader {
  private AlertsReader() {}

  static Future<JsonArray> all(WebClient client, String key, LocalDate date) {
    return page(client, key, "/api/v1/alerts?date=" + date, new JsonArray());
  }

  private static Future<JsonArray> page(WebClient client, String key, String uri, JsonArray into) {
    return client
        .get(uri)
        .putHeader("Authorization", "Bearer " + key)
        .send()
        .compose(
            r -> {
              if (r.statusCode() != 200) {
                return Future.failedFuture("alerts: HTTP " + r.statusCode());
              }
              JsonObject body = r.bodyAsJsonObject();
              into.addAll(body.getJsonArray("items"));
              String next = body.getString("next");
              return next == null ? Future.succeededFuture(into) : page(client, key, next, into);
            });
  }
}
