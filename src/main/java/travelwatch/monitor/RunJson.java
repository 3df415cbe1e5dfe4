package travelwatch.monitor;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import travelwatch.config.MonitorSettings;

/**
 * A run as the live stream shows it (openapi.yaml's RunChange schema, without its previousStatus),
 * from the live state.
 */
final class RunJson {
  private RunJson() {}

  static JsonObject summary(RunState s, MonitorSettings settings, ZoneId zone, Integer openAlerts) {
    RunPlan p = s.plan();
    JsonObject j =
        new JsonObject()
            .put("id", p.id())
            .put("routeId", p.routeId())
            .put("operatorId", p.operatorId())
            .put("schoolId", p.schoolId())
            .put("date", p.date().toString())
            .put("direction", p.direction())
            .put("status", s.status().wireName())
            .put("arriveBy", time(p.arriveBy(), zone));
    Instant eta = Eta.arrival(s, settings);
    if (eta != null && s.arrivedAt() == null) {
      j.put("eta", time(eta, zone));
    }
    Integer late = Eta.minutesLate(s, settings);
    if (late != null) {
      j.put("minutesLate", late);
    }
    putIf(j, "driverId", s.driverId());
    putIf(j, "guideId", s.guideId());
    putIf(j, "vehicleReg", s.vehicleReg());
    if (openAlerts != null) {
      j.put("openAlerts", openAlerts);
    }
    return j;
  }

  static String time(Instant t, ZoneId zone) {
    return travelwatch.platform.Rfc3339.format(t, zone);
  }

  private static void putIf(JsonObject j, String key, String value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
