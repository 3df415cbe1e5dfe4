package travelwatch.monitor;

import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import travelwatch.platform.Rfc3339;

/**
 * The one JSON form of a run (board, detail, pupil lookup and live stream alike): the {@code Run}
 * schema of openapi.yaml.
 */
final class RunJson {
  private RunJson() {}

  static JsonObject of(RunView v, ZoneId zone) {
    JsonObject j =
        new JsonObject()
            .put("id", v.id())
            .put("routeId", v.routeId())
            .put("operatorId", v.operatorId())
            .put("schoolId", v.schoolId())
            .put("date", v.date().toString())
            .put("direction", v.direction())
            .put("status", v.status())
            .put("arriveBy", Rfc3339.format(v.arriveBy(), zone));
    if (v.showsEta()) {
      j.put("eta", Rfc3339.format(v.eta(), zone));
    }
    putIf(j, "minutesLate", v.minutesLate());
    putIf(j, "driverId", v.driverId());
    putIf(j, "guideId", v.guideId());
    putIf(j, "vehicleReg", v.vehicleReg());
    putIf(j, "openAlerts", v.openAlerts());
    putIf(j, "operatorName", v.operatorName());
    putIf(j, "schoolName", v.schoolName());
    if (v.feedSilent()) {
      j.put("feedSilent", true);
    }
    if (v.position() != null) {
      j.put("position", position(v.position(), zone));
    }
    return j;
  }

  /**
   * A started run's latest position as the map reads it (the positions list and the stream's {@code
   * position} entries alike).
   */
  static JsonObject positionEntry(
      String runId,
      String operatorId,
      String schoolId,
      String status,
      Integer minutesLate,
      boolean feedSilent,
      RunView.Position p,
      ZoneId zone) {
    JsonObject j =
        new JsonObject()
            .put("runId", runId)
            .put("operatorId", operatorId)
            .put("schoolId", schoolId)
            .put("lat", p.lat())
            .put("lon", p.lon())
            .put("at", Rfc3339.format(p.at(), zone))
            .put("status", status);
    putIf(j, "minutesLate", minutesLate);
    return j.put("feedSilent", feedSilent);
  }

  /** A reported position: {@code {lat, lon, at}}. */
  static JsonObject position(RunView.Position p, ZoneId zone) {
    return new JsonObject()
        .put("lat", p.lat())
        .put("lon", p.lon())
        .put("at", Rfc3339.format(p.at(), zone));
  }

  private static void putIf(JsonObject j, String key, Object value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
