package travelwatch.monitor;

import java.time.Instant;
import java.time.LocalDate;
import travelwatch.config.MonitorSettings;

/**
 * A run as the API shows it: the plan's facts and the live state. Made from the saved state (the
 * run board) or from the monitor's own state (the live stream), and turned into JSON in one place,
 * {@link RunJson}. {@code openAlerts} is null where it is not known (the stream).
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
    Integer openAlerts) {

  /** A run that has arrived or completed has no ETA left to show. */
  boolean showsEta() {
    return eta != null && !"arrived".equals(status) && !"completed".equals(status);
  }

  /** The monitor's own state of a run, as the stream carries it. */
  static RunView of(RunState s, MonitorSettings settings) {
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
        null);
  }
}
