package travelwatch.ingest;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every event type of the API, the schema that defines it, and who may send it. */
public enum EventType {
  CREW_ASSIGNED("crew.assigned", "CrewAssigned", Sender.OPERATOR),
  RUN_STARTED("run.started", "RunStarted", Sender.OPERATOR),
  VEHICLE_POSITION("vehicle.position", "VehiclePosition", Sender.OPERATOR),
  PUPIL_BOARDED("pupil.boarded", "PupilBoarded", Sender.OPERATOR),
  PUPIL_ABSENT("pupil.absent", "PupilAbsent", Sender.OPERATOR),
  PUPIL_DROPPED("pupil.dropped", "PupilDropped", Sender.OPERATOR),
  RUN_ARRIVED("run.arrived", "RunArrived", Sender.OPERATOR),
  RUN_COMPLETED("run.completed", "RunCompleted", Sender.OPERATOR),
  RUN_CANCELLED("run.cancelled", "RunCancelled", Sender.OPERATOR),
  INCIDENT_REPORTED("incident.reported", "IncidentReported", Sender.OPERATOR),
  CREW_DBS_CHECKED("crew.dbs_checked", "CrewDbsChecked", Sender.OPERATOR),
  CREW_BADGE_UPDATED("crew.badge_updated", "CrewBadgeUpdated", Sender.OPERATOR),
  CREW_CLEARED("crew.cleared", "CrewCleared", Sender.HR),
  CALL_OFFERED("call.offered", "CallOffered", Sender.TELEPHONY),
  CALL_ANSWERED("call.answered", "CallAnswered", Sender.TELEPHONY),
  CALL_ABANDONED("call.abandoned", "CallAbandoned", Sender.TELEPHONY),
  APPLICATION_RECEIVED("application.received", "ApplicationReceived", Sender.CASEWORK),
  APPLICATION_DECIDED("application.decided", "ApplicationDecided", Sender.CASEWORK),
  COMPLAINT_RECEIVED("complaint.received", "ComplaintReceived", Sender.CASEWORK),
  COMPLAINT_RESPONDED("complaint.responded", "ComplaintResponded", Sender.CASEWORK);

  /** Who sends a type: the operator running the transport, or one of the council's systems. */
  public enum Sender {
    OPERATOR,
    TELEPHONY,
    CASEWORK,
    HR
  }

  private static final Map<String, EventType> BY_WIRE_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(EventType::wireName, Function.identity()));

  private final String wireName;
  private final String schemaName;
  private final Sender sender;

  EventType(String wireName, String schemaName, Sender sender) {
    this.wireName = wireName;
    this.schemaName = schemaName;
    this.sender = sender;
  }

  public String wireName() {
    return wireName;
  }

  public String schemaName() {
    return schemaName;
  }

  public Sender sender() {
    return sender;
  }

  public static Optional<EventType> fromWireName(String name) {
    return Optional.ofNullable(BY_WIRE_NAME.get(name));
  }
}
