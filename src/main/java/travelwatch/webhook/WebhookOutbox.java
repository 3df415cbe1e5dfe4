package travelwatch.webhook;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import travelwatch.alert.Alert;
import travelwatch.alert.AlertStore;
import travelwatch.monitor.MonitorStore;
import travelwatch.platform.Rfc3339;

/**
 * Writes, in an alert change's or a run status change's own transaction, the message its operator's
 * endpoints are sent: the change commits with its deliveries or not at all, so none is lost. Only
 * the operator's own: an alert with its {@code operatorId} (its run's or crew member's operator), a
 * run of its routes. Alerts no operator owns (the phones) go to no webhook.
 */
final class WebhookOutbox implements AlertStore.AlertListener, MonitorStore.RunChangeListener {
  private final Clock serviceClock;
  private final Clock relayClock;
  private final ZoneId zone;

  /**
   * The body's {@code timestamp} is the change's time on the service's clock; deliveries are due by
   * the relay's real clock.
   */
  WebhookOutbox(Clock serviceClock, Clock relayClock, ZoneId zone) {
    this.serviceClock = serviceClock;
    this.relayClock = relayClock;
    this.zone = zone;
  }

  /** The event type of an alert transition. */
  static String type(Alert alert, String transition) {
    return switch (transition) {
      case "raised" -> "alert.raised";
      case "resolved" -> "alert.resolved";
      case "condition_cleared" ->
          "resolved".equals(alert.state()) ? "alert.resolved" : "alert.updated";
      default -> "alert.updated";
    };
  }

  @Override
  public Future<Void> changed(SqlConnection conn, Alert alert, String transition) {
    if (alert.operatorId() == null) {
      return Future.succeededFuture();
    }
    String type = type(alert, transition);
    // A run's alerts and status changes share one order; an alert without a run has its own.
    String order = alert.runId() != null ? "run:" + alert.runId() : "alert:" + alert.id();
    JsonObject body =
        body(type, serviceClock.instant().atOffset(ZoneOffset.UTC), alert.toJson(zone));
    return WebhookStore.write(
        conn,
        List.of(new WebhookStore.Change(alert.operatorId(), type, order, body.encode())),
        relayClock.instant());
  }

  @Override
  public Future<Void> changed(SqlConnection conn, List<JsonObject> runs, OffsetDateTime at) {
    List<WebhookStore.Change> changes = new ArrayList<>();
    for (JsonObject run : runs) {
      String operatorId = run.getString("operatorId");
      if (operatorId != null) {
        changes.add(
            new WebhookStore.Change(
                operatorId,
                "run.changed",
                "run:" + run.getString("id"),
                body("run.changed", at, run).encode()));
      }
    }
    return WebhookStore.write(conn, changes, relayClock.instant());
  }

  private JsonObject body(String type, OffsetDateTime at, JsonObject data) {
    return new JsonObject()
        .put("type", type)
        .put("timestamp", Rfc3339.format(at, zone))
        .put("data", data);
  }
}
