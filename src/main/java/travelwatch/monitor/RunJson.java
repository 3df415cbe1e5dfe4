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
    return j;
  }

  private static void putIf(JsonObject j, String key, Object value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
