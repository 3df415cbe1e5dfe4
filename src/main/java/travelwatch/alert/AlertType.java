package travelwatch.alert;

import java.util.Locale;

/** Every alert the service raises (docs/contract.md, "Alerts"), with its severity. */
public enum AlertType {
  CREW_DBS_NOT_CLEARED("crew.dbs_not_cleared", Severity.CRITICAL),
  CREW_DBS_INVALID("crew.dbs_invalid", Severity.CRITICAL),
  CREW_UNKNOWN("crew.unknown", Severity.CRITICAL),
  CREW_GUIDE_MISSING("crew.guide_missing", Severity.CRITICAL),
  PUPIL_WRONG_DROPOFF("pupil.wrong_dropoff", Severity.CRITICAL),
  INCIDENT_SAFEGUARDING("incident.safeguarding", Severity.CRITICAL),
  SCHOOL_PUPIL_NOT_ARRIVED("school.pupil_not_arrived", Severity.CRITICAL),
  VEHICLE_ALARM("vehicle.alarm", Severity.CRITICAL),
  SCHOOL_REPORT("school.report", Severity.WARNING),
  RUN_NOT_STARTED("run.not_started", Severity.HIGH),
  RUN_LATE("run.late", Severity.HIGH),
  RUN_CANCELLED("run.cancelled", Severity.HIGH),
  PUPIL_MISSED("pupil.missed", Severity.HIGH),
  PUPIL_JOURNEY_TOO_LONG("pupil.journey_too_long", Severity.HIGH),
  CALLS_ANSWER_RATE_LOW("calls.answer_rate_low", Severity.HIGH),
  CALLS_LONG_WAIT("calls.long_wait", Severity.WARNING),
  CREW_CHANGED("crew.changed", Severity.WARNING),
  RUN_FEED_SILENT("run.feed_silent", Severity.WARNING),
  CREW_BADGE_EXPIRED("crew.badge_expired", Severity.HIGH),
  /**
   * An operator's monthly return has critical or high findings; raised at the findings' severity.
   */
  MI_FINDING("mi.finding", Severity.HIGH),
  OPERATOR_MI_OVERDUE("operator.mi_overdue", Severity.HIGH);

  /** How urgent: critical and high go to managers at once, warnings in a digest. */
  public enum Severity {
    CRITICAL,
    HIGH,
    WARNING;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String wireName;
  private final Severity severity;

  AlertType(String wireName, Severity severity) {
    this.wireName = wireName;
    this.severity = severity;
  }

  public String wireName() {
    return wireName;
  }

  public Severity severity() {
    return severity;
  }

  /**
   * Whether the monitors decide this alert's condition from the run's events, and so may find, when
   * they rebuild a day, that it no longer holds. An alarm a vehicle's tracker sent holds until a
   * person resolves it, and so do the monthly returns' alerts.
   */
  public boolean decidedByMonitors() {
    return this != VEHICLE_ALARM
        && this != SCHOOL_PUPIL_NOT_ARRIVED
        && this != SCHOOL_REPORT
        && this != MI_FINDING
        && this != OPERATOR_MI_OVERDUE;
  }

  public static AlertType fromWireName(String name) {
    for (AlertType t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown alert type " + name);
  }
}
