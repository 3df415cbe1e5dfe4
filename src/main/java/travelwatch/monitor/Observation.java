package travelwatch.monitor;

import java.time.Instant;
import java.time.LocalDate;
import travelwatch.plan.Plan.Badge;
import travelwatch.plan.Plan.DbsCheck;
import travelwatch.plan.Plan.HrClearance;

/** A stored event as the monitors see it. {@code at} is when it happened (occurredAt). */
public sealed interface Observation {
  /** Where the event sits in the store, who sent it, and when it happened and arrived. */
  record Meta(long seq, String owner, String eventId, Instant at, Instant receivedAt) {}

  Meta meta();

  default Instant at() {
    return meta().at();
  }

  /** The run the event is about, or null. */
  default String runId() {
    return null;
  }

  record CrewAssigned(Meta meta, String runId, String driverId, String guideId, String vehicleReg)
      implements Observation {}

  record RunStarted(
      Meta meta,
      String runId,
      String driverId,
      String guideId,
      String vehicleReg,
      Double lat,
      Double lon)
      implements Observation {}

  record VehiclePosition(Meta meta, String runId, double lat, double lon, Double speedKph)
      implements Observation {}

  record PupilBoarded(
      Meta meta, String runId, String pupilId, String stopId, Double lat, Double lon)
      implements Observation {}

  record PupilAbsent(Meta meta, String runId, String pupilId) implements Observation {}

  record PupilDropped(
      Meta meta, String runId, String pupilId, String stopId, Double lat, Double lon)
      implements Observation {}

  record RunArrived(Meta meta, String runId, String stopId) implements Observation {}

  record RunCompleted(Meta meta, String runId) implements Observation {}

  record RunCancelled(Meta meta, String runId, String reason) implements Observation {}

  record IncidentReported(Meta meta, String runId, String category, String summary)
      implements Observation {}

  record DbsChecked(Meta meta, String crewId, DbsCheck dbs) implements Observation {}

  record BadgeUpdated(Meta meta, String crewId, Badge badge) implements Observation {}

  record CrewCleared(Meta meta, String crewId, HrClearance decision, LocalDate decidedOn)
      implements Observation {}

  enum CallStep {
    OFFERED,
    ANSWERED,
    ABANDONED
  }

  record Call(Meta meta, String callId, CallStep step) implements Observation {}

  /** Casework events: stored for the KPIs, nothing for the live monitors to do. */
  record Casework(Meta meta, String type) implements Observation {}
}
