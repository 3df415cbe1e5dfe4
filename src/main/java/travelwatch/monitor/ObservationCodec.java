package travelwatch.monitor;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import travelwatch.ingest.CommittedEvents;
import travelwatch.monitor.Observation.Meta;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.DbsOutcome;
import travelwatch.plan.Plan.HrClearance;

/** Turns a stored event (as the store and the event bus carry it) into an {@link Observation}. */
public final class ObservationCodec {
  private ObservationCodec() {}

  /**
   * {@code stored}: seq, eventId, type, occurredAt, receivedAt and body (the event's JSON text).
   */
  public static Observation decode(JsonObject stored) {
    Meta meta =
        new Meta(
            stored.getLong("seq"),
            stored.getString("owner"),
            stored.getString("eventId"),
            OffsetDateTime.parse(stored.getString("occurredAt")).toInstant(),
            Instant.from(OffsetDateTime.parse(stored.getString("receivedAt"))));
    return decode(meta, stored.getString("type"), stored.getString("body"));
  }

  /** A committed event as the bus brings it. */
  public static Observation decode(CommittedEvents.Committed c) {
    return decode(
        new Meta(c.seq(), c.owner(), c.eventId(), c.occurredAt(), c.receivedAt()),
        c.type(),
        c.body());
  }

  /** A stored event whose metadata is already read, as a replay reads it from the rows. */
  public static Observation decode(Meta meta, String type, String body) {
    JsonObject b = new JsonObject(body);
    return switch (type) {
      case "crew.assigned" ->
          new Observation.CrewAssigned(
              meta,
              b.getString("runId"),
              b.getString("driverId"),
              b.getString("guideId"),
              b.getString("vehicleReg"));
      case "run.started" ->
          new Observation.RunStarted(
              meta,
              b.getString("runId"),
              b.getString("driverId"),
              b.getString("guideId"),
              b.getString("vehicleReg"),
              b.getDouble("lat"),
              b.getDouble("lon"));
      case "vehicle.position" ->
          new Observation.VehiclePosition(
              meta,
              b.getString("runId"),
              b.getDouble("lat"),
              b.getDouble("lon"),
              b.getDouble("speedKph"));
      case "pupil.boarded" ->
          new Observation.PupilBoarded(
              meta,
              b.getString("runId"),
              b.getString("pupilId"),
              b.getString("stopId"),
              b.getDouble("lat"),
              b.getDouble("lon"));
      case "pupil.absent" ->
          new Observation.PupilAbsent(meta, b.getString("runId"), b.getString("pupilId"));
      case "pupil.dropped" ->
          new Observation.PupilDropped(
              meta,
              b.getString("runId"),
              b.getString("pupilId"),
              b.getString("stopId"),
              b.getDouble("lat"),
              b.getDouble("lon"));
      case "run.arrived" ->
          new Observation.RunArrived(meta, b.getString("runId"), b.getString("stopId"));
      case "run.completed" -> new Observation.RunCompleted(meta, b.getString("runId"));
      case "run.cancelled" ->
          new Observation.RunCancelled(meta, b.getString("runId"), b.getString("reason"));
      case "incident.reported" ->
          new Observation.IncidentReported(
              meta, b.getString("runId"), b.getString("category"), b.getString("summary"));
      case "crew.dbs_checked" ->
          new Observation.DbsChecked(
              meta,
              b.getString("crewId"),
              new DbsCheck(
                  b.getString("certificateNumber"),
                  LocalDate.parse(b.getString("issuedOn")),
                  DbsOutcome.valueOf(b.getString("outcome").toUpperCase()),
                  b.getBoolean("barredListChecked"),
                  Boolean.TRUE.equals(b.getBoolean("updateService"))));
      case "crew.badge_updated" ->
          new Observation.BadgeUpdated(
              meta,
              b.getString("crewId"),
              new Badge(
                  b.getString("badgeNumber"),
                  b.getString("licensingAuthority"),
                  LocalDate.parse(b.getString("expiresOn"))));
      case "crew.cleared" ->
          new Observation.CrewCleared(
              meta,
              b.getString("crewId"),
              HrClearance.valueOf(b.getString("decision").toUpperCase()),
              LocalDate.parse(b.getString("decidedOn")));
      case "call.offered" ->
          new Observation.Call(meta, b.getString("callId"), Observation.CallStep.OFFERED);
      case "call.answered" ->
          new Observation.Call(meta, b.getString("callId"), Observation.CallStep.ANSWERED);
      case "call.abandoned" ->
          new Observation.Call(meta, b.getString("callId"), Observation.CallStep.ABANDONED);
      default -> new Observation.Casework(meta, type);
    };
  }
}
