package travelwatch.monitor;

import java.time.Instant;
import java.time.LocalDate;
import travelwatch.config.MonitorSettings;

/**
 * A run as the API shows it: the plan's facts and the live state. Made from the saved state (the
 * run board) or from the monitor's own state (the live stream), and turned into JSON in one place,
 * {@link RunJson}. {@code openAlerts} is null where it is not known (the stream); so are the names
 * the plan does not give and the position of a run that has sent none.
 */
record RunView(
    String id,
    String routeId,
    String operatorId,
    String schoolId,
    LocalDate date,
    String direction,
    String status,
    Instant arriveBy,
    Instant eta,
    Integer minutesLate,
    String driverId,
    String guideId,
    String vehicleReg,
    Integer openAlerts,
    String operatorName,
    String schoolName,
    boolean feedSilent,
    Position position) {

  /** Where a run's vehicle was last reported, and when. */
  record Position(double lat, double lon, Instant at) {}

  /** A run that has arrived or completed has no ETA left to show. */
  boolean showsEta() {
    return eta != null && !"arrived".equals(status) && !"completed".equals(status);
  }

  /** The monitor's own state of a run at {@code now}, as the stream carries it. */
  static RunView of(RunState s, MonitorSettings settings, Instant now) {
    RunPlan p = s.plan();
    return new RunView(
        p.id(),
        p.routeId(),
        p.operatorId(),
        p.schoolId(),
        p.date(),
        p.direction(),
        s.status().wireName(),
        p.arriveBy(),
        Eta.arrival(s, settings),
        Eta.minutesLate(s, settings),
        s.driverId(),
        s.guideId(),
        s.vehicleReg(),
        null,
        p.operatorName(),
        p.schoolName(),
        RunRules.feedSilent(s, settings, now),
        s.positionAt == 0 ? null : new Position(s.lat, s.lon, Instant.ofEpochMilli(s.positionAt)));
  }
}
