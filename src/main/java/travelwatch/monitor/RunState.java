package travelwatch.monitor;

import java.time.Instant;
import java.util.Arrays;
import travelwatch.monitor.Observation.CrewAssigned;
import travelwatch.monitor.Observation.PupilAbsent;
import travelwatch.monitor.Observation.PupilBoarded;
import travelwatch.monitor.Observation.PupilDropped;
import travelwatch.monitor.Observation.RunArrived;
import travelwatch.monitor.Observation.RunCancelled;
import travelwatch.monitor.Observation.RunCompleted;
import travelwatch.monitor.Observation.RunStarted;
import travelwatch.monitor.Observation.VehiclePosition;

/**
 * What has happened to one run, folded from its events so that the result does not depend on the
 * order they arrive in, nor on repeats: each fact keeps the earliest (or, for the crew and the
 * vehicle's position, the latest) occurrence by {@code occurredAt}. Kept compact: epoch millis in
 * arrays, 0 meaning "not yet".
 */
public final class RunState {
  /** The run's status, in the order it normally moves through them. */
  public enum Status {
    PLANNED,
    CREW_ASSIGNED,
    STARTED,
    ARRIVED,
    COMPLETED,
    CANCELLED;

    public String wireName() {
      return name().toLowerCase();
    }
  }

  final RunPlan plan;

  // The latest crew assignment.
  long assignedAt;
  String assignedEventId;
  String assignedDriver;
  String assignedGuide;
  String assignedVehicle;

  // The (earliest) start and the crew it named.
  long startedAt;
  String startDriver;
  String startGuide;
  String startVehicle;
  boolean startNamedGuide;

  long arrivedAt;
  long completedAt;
  long cancelledAt;
  String cancelReason;

  // The two latest positions.
  long positionAt;
  double lat;
  double lon;
  long previousAt;
  double previousLat;
  double previousLon;
  double reportedSpeedKph = Double.NaN;

  long lastEventAt;

  final long[] stopReachedAt;
  final long[] boardedAt;
  final long[] absentAt;
  final long[] droppedAt;
  final int[] droppedStop;
  String[] wrongStopIds;

  /**
   * What each pupil's journey row last stored said apart from its expected times (a fingerprint; 0
   * before the first save), and those times (epoch ms, {@link Long#MIN_VALUE} for none; pick-up
   * then drop-off for each pupil), so a save writes only the rows that changed.
   */
  final long[] journeySaved;

  final long[] journeyEtasSaved;

  /** How many events have been folded in: any change to the state changes it. */
  long version;

  /** The crew rules' last findings for this run: a deadline tick reuses them while they hold. */
  RunRules.CrewFindings crewFindings;

  /** How alerts about this run name it; made from the plan once, when first needed. */
  String where;

  public RunState(RunPlan plan) {
    this.plan = plan;
    stopReachedAt = new long[plan.stops().size()];
    int pupils = plan.pupils().size();
    boardedAt = new long[pupils];
    absentAt = new long[pupils];
    droppedAt = new long[pupils];
    droppedStop = new int[pupils];
    Arrays.fill(droppedStop, -1);
    journeySaved = new long[pupils];
    journeyEtasSaved = new long[2 * pupils];
  }

  public RunPlan plan() {
    return plan;
  }

  public Status status() {
    if (cancelledAt != 0) {
      return Status.CANCELLED;
    }
    if (completedAt != 0) {
      return Status.COMPLETED;
    }
    if (arrivedAt != 0) {
      return Status.ARRIVED;
    }
    if (startedAt != 0) {
      return Status.STARTED;
    }
    return assignedAt != 0 ? Status.CREW_ASSIGNED : Status.PLANNED;
  }

  /** Folds one event of this run into the state. */
  public void apply(Observation o) {
    version++;
    long at = o.at().toEpochMilli();
    lastEventAt = Math.max(lastEventAt, at);
    if (o instanceof CrewAssigned e) {
      if (assignedAt == 0
          || at > assignedAt
          || (at == assignedAt && e.meta().eventId().compareTo(assignedEventId) > 0)) {
        assignedAt = at;
        assignedEventId = e.meta().eventId();
        assignedDriver = e.driverId();
        assignedGuide = e.guideId();
        assignedVehicle = e.vehicleReg();
      }
    } else if (o instanceof RunStarted e) {
      if (startedAt == 0 || at < startedAt) {
        startedAt = at;
        startDriver = e.driverId();
        startGuide = e.guideId();
        startVehicle = e.vehicleReg();
        startNamedGuide = e.guideId() != null;
      }
      if (e.lat() != null && e.lon() != null) {
        position(at, e.lat(), e.lon(), Double.NaN);
      }
    } else if (o instanceof VehiclePosition e) {
      position(at, e.lat(), e.lon(), e.speedKph() == null ? Double.NaN : e.speedKph());
    } else if (o instanceof PupilBoarded e) {
      int p = plan.pupilIndex(e.pupilId());
      if (p >= 0) {
        boardedAt[p] = earliest(boardedAt[p], at);
      }
      reached(e.stopId(), at);
      if (e.lat() != null && e.lon() != null) {
        position(at, e.lat(), e.lon(), Double.NaN);
      }
    } else if (o instanceof PupilAbsent e) {
      int p = plan.pupilIndex(e.pupilId());
      if (p >= 0) {
        absentAt[p] = earliest(absentAt[p], at);
      }
    } else if (o instanceof PupilDropped e) {
      int p = plan.pupilIndex(e.pupilId());
      int stop = plan.stopIndex(e.stopId());
      if (p >= 0 && (droppedAt[p] == 0 || at < droppedAt[p])) {
        droppedAt[p] = at;
        droppedStop[p] = stop;
      }
      if (p >= 0 && stop != plan.pupils().get(p).dropoffStop()) {
        if (wrongStopIds == null) {
          wrongStopIds = new String[plan.pupils().size()];
        }
        wrongStopIds[p] = e.stopId();
      }
      reached(e.stopId(), at);
    } else if (o instanceof RunArrived e) {
      arrivedAt = earliest(arrivedAt, at);
      reached(e.stopId() == null ? plan.stops().get(plan.stops().size() - 1).id() : e.stopId(), at);
    } else if (o instanceof RunCompleted) {
      completedAt = earliest(completedAt, at);
    } else if (o instanceof RunCancelled e) {
      if (cancelledAt == 0 || at < cancelledAt) {
        cancelledAt = at;
        cancelReason = e.reason();
      }
    }
  }

  private void position(long at, double lat, double lon, double speed) {
    if (at > positionAt) {
      previousAt = positionAt;
      previousLat = this.lat;
      previousLon = this.lon;
      positionAt = at;
      this.lat = lat;
      this.lon = lon;
      reportedSpeedKph = speed;
    } else if (at > previousAt && at != positionAt) {
      previousAt = at;
      previousLat = lat;
      previousLon = lon;
    }
    for (int i = 0; i < stopReachedAt.length; i++) {
      RunPlan.StopPlan s = plan.stops().get(i);
      if (Geo.metres(lat, lon, s.lat(), s.lon()) <= Geo.STOP_RADIUS_METRES) {
        stopReachedAt[i] = earliest(stopReachedAt[i], at);
      }
    }
  }

  private void reached(String stopId, long at) {
    int i = stopId == null ? -1 : plan.stopIndex(stopId);
    if (i >= 0) {
      stopReachedAt[i] = earliest(stopReachedAt[i], at);
    }
  }

  private static long earliest(long current, long at) {
    return current == 0 || at < current ? at : current;
  }

  // ---- read side, for the rules, the board and tests ----

  public String driverId() {
    return startDriver != null ? startDriver : assignedDriver;
  }

  public String guideId() {
    return startNamedGuide ? startGuide : assignedGuide;
  }

  public String vehicleReg() {
    return startVehicle != null ? startVehicle : assignedVehicle;
  }

  public Instant startedAt() {
    return instant(startedAt);
  }

  public Instant arrivedAt() {
    return instant(arrivedAt);
  }

  public Instant lastEventAt() {
    return instant(lastEventAt);
  }

  static Instant instant(long millis) {
    return millis == 0 ? null : Instant.ofEpochMilli(millis);
  }

  /** A value snapshot, for comparing states in tests. */
  public String fingerprint() {
    return String.join(
        ";",
        status().name(),
        String.valueOf(assignedAt),
        String.valueOf(assignedDriver),
        String.valueOf(assignedGuide),
        String.valueOf(startedAt),
        String.valueOf(startDriver),
        String.valueOf(startGuide),
        String.valueOf(arrivedAt),
        String.valueOf(completedAt),
        String.valueOf(cancelledAt),
        String.valueOf(positionAt),
        String.valueOf(lat),
        String.valueOf(lon),
        String.valueOf(previousAt),
        String.valueOf(lastEventAt),
        Arrays.toString(stopReachedAt),
        Arrays.toString(boardedAt),
        Arrays.toString(absentAt),
        Arrays.toString(droppedAt),
        Arrays.toString(droppedStop),
        Arrays.toString(wrongStopIds));
  }
}
