package travelwatch.alert;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** An alert as stored and as the API shows it (the Alert schema of openapi.yaml). */
public record Alert(
    long id,
    String type,
    String severity,
    String state,
    String serviceDate,
    String runId,
    String operatorId,
    String crewId,
    String pupilId,
    String summary,
    OffsetDateTime raisedAt,
    OffsetDateTime lastSeenAt,
    int count,
    boolean conditionActive,
    String acknowledgedBy,
    OffsetDateTime acknowledgedAt,
    String resolvedBy,
    OffsetDateTime resolvedAt,
    String schoolId,
    String assignedTo,
    OffsetDateTime assignedAt,
    String operatorName,
    String schoolName) {

  static Alert from(Row r) {
    return new Alert(
        r.getLong("id"),
        r.getString("type"),
        r.getString("severity"),
        r.getString("state"),
        r.getLocalDate("service_date").toString(),
        r.getString("run_id"),
        r.getString("operator_id"),
        r.getString("crew_id"),
        r.getString("pupil_id"),
        r.getString("summary"),
        r.getOffsetDateTime("raised_at"),
        r.getOffsetDateTime("last_seen_at"),
        r.getInteger("count"),
        r.getBoolean("condition_active"),
        r.getString("acknowledged_by"),
        r.getOffsetDateTime("acknowledged_at"),
        r.getString("resolved_by"),
        r.getOffsetDateTime("resolved_at"),
        r.getString("school_id"),
        r.getString("assigned_to"),
        r.getOffsetDateTime("assigned_at"),
        r.getString("operator_name"),
        r.getString("school_name"));
  }

  public JsonObject toJson(ZoneId zone) {
    JsonObject j =
        new JsonObject()
            .put("id", id)
            .put("type", type)
            .put("severity", severity)
            .put("state", state);
    putIf(j, "runId", runId);
    putIf(j, "operatorId", operatorId);
    putIf(j, "crewId", crewId);
    putIf(j, "pupilId", pupilId);
    putIf(j, "schoolId", schoolId);
    putIf(j, "operatorName", operatorName);
    putIf(j, "schoolName", schoolName);
    j.put("summary", summary)
        .put("serviceDate", serviceDate)
        .put("raisedAt", time(raisedAt, zone))
        .put("lastSeenAt", time(lastSeenAt, zone))
        .put("count", count)
        .put("conditionActive", conditionActive);
    putIf(j, "acknowledgedBy", acknowledgedBy);
    putIf(j, "acknowledgedAt", time(acknowledgedAt, zone));
    putIf(j, "resolvedBy", resolvedBy);
    putIf(j, "resolvedAt", time(resolvedAt, zone));
    putIf(j, "assignedTo", assignedTo);
    putIf(j, "assignedAt", time(assignedAt, zone));
    return j;
  }

  static String time(OffsetDateTime t, ZoneId zone) {
    return travelwatch.platform.Rfc3339.format(t, zone);
  }

  private static void putIf(JsonObject j, String key, Object value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
