package travelwatch.crew;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import travelwatch.platform.Rfc3339;

/**
 * A crew member's runs of a day as the crew app shows them: the stops with the pupils (references
 * only) and what was recorded so far, so a phone that signs in again picks up where the run is.
 */
final class CrewRuns {
  private final Pool pool;
  private final ZoneId zone;

  CrewRuns(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  Future<JsonArray> of(String crewId, String operatorId, LocalDate date) {
    return pool.preparedQuery(CrewSql.RUNS)
        .execute(Tuple.of(crewId, operatorId, date))
        .compose(
            runs -> {
              if (runs.size() == 0) {
                return Future.succeededFuture(new JsonArray());
              }
              String[] ids = new String[runs.size()];
              int i = 0;
              for (Row r : runs) {
                ids[i++] = r.getString("id");
              }
              Future<RowSet<Row>> stops =
                  pool.preparedQuery(CrewSql.STOPS).execute(Tuple.of((Object) ids));
              Future<RowSet<Row>> recorded =
                  pool.preparedQuery(CrewSql.RECORDED).execute(Tuple.of((Object) ids));
              return Future.all(stops, recorded)
                  .map(all -> items(runs, stops.result(), recorded.result()));
            });
  }

  private JsonArray items(RowSet<Row> runs, RowSet<Row> stops, RowSet<Row> recorded) {
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    Map<String, LocalDate> dates = new HashMap<>();
    for (Row r : runs) {
      LocalDate date = r.getLocalDate("service_date");
      JsonObject item =
          new JsonObject()
              .put("id", r.getString("id"))
              .put("direction", r.getString("direction"))
              .put("routeId", r.getString("route_id"))
              .put("schoolId", r.getString("school_id"))
              .put("schoolName", r.getString("school_name"))
              .put("arriveBy", time(date, r.getLocalTime("arrive_by")))
              .put("status", r.getString("status"))
              .put("stops", new JsonArray());
      putIf(item, "vehicleReg", r.getString("vehicle_reg"));
      putIf(item, "driverId", r.getString("driver_id"));
      putIf(item, "guideId", r.getString("guide_id"));
      byId.put(r.getString("id"), item);
      dates.put(r.getString("id"), date);
    }
    for (Row s : stops) {
      JsonObject run = byId.get(s.getString("run_id"));
      LocalDate date = dates.get(s.getString("run_id"));
      run.getJsonArray("stops")
          .add(
              new JsonObject()
                  .put("id", s.getString("id"))
                  .put("seq", s.getInteger("seq"))
                  .put("plannedTime", time(date, s.getLocalTime("planned_time")))
                  .put("lat", s.getDouble("lat"))
                  .put("lon", s.getDouble("lon"))
                  .put("pickups", new JsonArray(List.of(s.getArrayOfStrings("pickups"))))
                  .put("dropoffs", new JsonArray(List.of(s.getArrayOfStrings("dropoffs")))));
    }
    Map<String, Recorded> recordedByRun = new HashMap<>();
    for (Row e : recorded) {
      recordedByRun
          .computeIfAbsent(e.getString("run_id"), k -> new Recorded())
          .apply(
              e.getString("type"),
              Rfc3339.format(e.getOffsetDateTime("occurred_at").toInstant(), zone),
              e.getString("pupil_id"),
              e.getString("stop_id"));
    }
    JsonArray items = new JsonArray();
    byId.forEach(
        (id, run) -> {
          items.add(run.put("recorded", recordedByRun.getOrDefault(id, new Recorded()).toJson()));
        });
    return items;
  }

  /** A run's record so far: each pupil's latest state, first start, arrival and completion. */
  private static final class Recorded {
    String started;
    String arrived;
    String completed;
    final Map<String, String[]> pupils = new LinkedHashMap<>();

    void apply(String type, String at, String pupilId, String stopId) {
      switch (type) {
        case "run.started" -> started = started == null ? at : started;
        case "run.arrived" -> arrived = arrived == null ? at : arrived;
        case "run.completed" -> completed = completed == null ? at : completed;
        case "pupil.boarded" -> pupils.put(pupilId, new String[] {"boarded", null});
        case "pupil.absent" -> pupils.put(pupilId, new String[] {"absent", null});
        case "pupil.dropped" -> pupils.put(pupilId, new String[] {"dropped", stopId});
        default -> {}
      }
    }

    JsonObject toJson() {
      JsonArray boarded = new JsonArray();
      JsonArray absent = new JsonArray();
      JsonArray dropped = new JsonArray();
      List<String> order = new ArrayList<>(pupils.keySet());
      for (String pupilId : order) {
        String[] s = pupils.get(pupilId);
        // A pupil dropped off had boarded too; one marked absent afterwards had not.
        switch (s[0]) {
          case "boarded" -> boarded.add(pupilId);
          case "absent" -> absent.add(pupilId);
          default -> {
            boarded.add(pupilId);
            dropped.add(new JsonObject().put("pupilId", pupilId).put("stopId", s[1]));
          }
        }
      }
      JsonObject j =
          new JsonObject().put("boarded", boarded).put("absent", absent).put("dropped", dropped);
      putIf(j, "started", started);
      putIf(j, "arrived", arrived);
      putIf(j, "completed", completed);
      return j;
    }
  }

  private String time(LocalDate date, LocalTime t) {
    return Rfc3339.format(date.atTime(t).atZone(zone).toInstant(), zone);
  }

  private static void putIf(JsonObject j, String key, String value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
