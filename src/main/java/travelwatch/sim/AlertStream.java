package travelwatch.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The control room's live stream ({@code /api/v1/stream}) as the simulator watches it: each alert
 * is handed on with the moment it arrived.
 */
final class AlertStream {
  /** Receives an alert's type and run id, and System.nanoTime when it arrived. */
  interface Listener {
    void alert(String type, String runId, long nanos);
  }

  private final HttpClient client;
  private final StringBuilder pending = new StringBuilder();
  private final Listener listener;

  private AlertStream(HttpClient client, Listener listener) {
    this.client = client;
    this.listener = listener;
  }

  /** Subscribes with a control-room key; the future completes once the stream is open. */
  static Future<AlertStream> open(Vertx vertx, URI url, String controlKey, Listener listener) {
    AlertStream stream = new AlertStream(vertx.createHttpClient(), listener);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(url.getHost())
            .setPort(url.getPort() < 0 ? 80 : url.getPort())
            .setURI("/api/v1/stream")
            .putHeader("Authorization", "Bearer " + controlKey)
            .putHeader("Accept", "text/event-stream");
    return stream
        .client
        .request(options)
        .compose(req -> req.send())
        .compose(
            r -> {
              if (r.statusCode() != 200) {
                return Future.failedFuture("the live stream: HTTP " + r.statusCode());
              }
              r.handler(buffer -> stream.receive(buffer.toString(), System.nanoTime()));
              return Future.succeededFuture(stream);
            });
  }

  private void receive(String chunk, long nanos) {
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String frame = pending.substring(0, end);
      pending.delete(0, end + 2);
      if (!frame.contains("event: alert\n")) {
        continue;
      }
      int data = frame.indexOf("data: ");
      if (data >= 0) {
        JsonObject alert = new JsonObject(frame.substring(data + 6));
        listener.alert(alert.getString("type"), alert.getString("runId"), nanos);
      }
    }
  }

  void close() {
    client.close();
  }
}
