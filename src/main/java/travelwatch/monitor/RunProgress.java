package travelwatch.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's stored events say happened along it: the vehicle's path, when each stop was reached
 * and left, and where each pupil of each stop stands. A stop is reached at its first boarding or
 * drop-off, the arrival there, or the first position within {@link Geo#STOP_RADIUS_METRES} of it;
 * it is left at the first later position farther away, or when a later stop is reached. A pupil
 * neither boarded nor reported absent once the pickup stop was left is missed.
 */
final class RunProgress {
  /** A stop's plan: its id and the pupils picked up and dropped off there. */
  record StopPupils(
      String id, double lat, double lon, List<String> pickups, List<String> dropoffs) {}

  /** A reported position. */
  record Fix(double lat, double lon, Instant at) {}

  /** One stored event of the run: its type, when it happened, and the fields that matter here. */
  record Happened(
      String type,
      Instant at,
      String stopId,
      String pupilId,
      String reason,
      Double lat,
      Double lon) {}

  /** A pupil of a stop, picked up or dropped off there, and where they stand. */
  record PupilAtStop(String pupilId, String action, String state, String reason, Instant at) {}

  /** What happened at one stop. */
  record StopProgress(Instant reachedAt, Instant leftAt, List<PupilAtStop> pupils) {}

  private RunProgress() {}

  /** Every position the events carry, in the order they happened. */
  static List<Fix> path(List<Happened> events) {
    List<Fix> path = new ArrayList<>();
    for (Happened e : events) {
      if (e.lat() != null && e.lon() != null) {
        path.add(new Fix(e.lat(), e.lon(), e.at()));
      }
    }
    path.sort((a, b) -> a.at().compareTo(b.at()));
    return path;
  }

  /** A pupil's reported boarding, absence and drop-off (the earliest of each). */
  private static final class Reported {
    Instant boardedAt;
    Instant absentAt;
    String absentReason;
    Instant droppedAt;
    String droppedStop;
  }

  static List<StopProgress> of(List<StopPupils> stops, List<Happened> events) {
    int n = stops.size();
    Instant[] reached = new Instant[n];
    Map<String, Reported> pupils = new HashMap<>();
    List<Fix> path = path(events);
    for (Happened e : events) {
      String stopId = e.stopId();
      String pupilId = e.pupilId();
      switch (e.type()) {
        case "pupil.boarded" -> {
          Reported r = pupils.computeIfAbsent(pupilId, k -> new Reported());
          r.boardedAt = earliest(r.boardedAt, e.at());
          reach(reached, stops, stopId, e.at());
        }
        case "pupil.absent" -> {
          Reported r = pupils.computeIfAbsent(pupilId, k -> new Reported());
          if (r.absentAt == null || e.at().isBefore(r.absentAt)) {
            r.absentAt = e.at();
            r.absentReason = e.reason();
          }
        }
        case "pupil.dropped" -> {
          Reported r = pupils.computeIfAbsent(pupilId, k -> new Reported());
          if (r.droppedAt == null || e.at().isBefore(r.droppedAt)) {
            r.droppedAt = e.at();
            r.droppedStop = stopId;
          }
          reach(reached, stops, stopId, e.at());
        }
        case "run.arrived" ->
            reach(reached, stops, stopId == null ? stops.get(n - 1).id() : stopId, e.at());
        default -> {}
      }
    }
    for (Fix f : path) {
      for (int i = 0; i < n; i++) {
        if (near(f, stops.get(i))) {
          reached[i] = earliest(reached[i], f.at());
        }
      }
    }
    Instant[] left = new Instant[n];
    for (int i = 0; i < n; i++) {
      if (reached[i] == null) {
        continue;
      }
      for (Fix f : path) {
        if (f.at().isAfter(reached[i]) && !near(f, stops.get(i))) {
          left[i] = f.at();
          break;
        }
      }
      for (int j = i + 1; j < n; j++) {
        if (reached[j] != null && reached[j].isAfter(reached[i])) {
          left[i] = earliest(left[i], reached[j]);
        }
      }
    }
    Map<String, Integer> pickupStop = new HashMap<>();
    for (int i = 0; i < n; i++) {
      for (String p : stops.get(i).pickups()) {
        pickupStop.put(p, i);
      }
    }
    List<StopProgress> progress = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StopPupils stop = stops.get(i);
      List<PupilAtStop> here = new ArrayList<>();
      for (String p : stop.pickups()) {
        here.add(pickup(p, pupils.get(p), left[i] != null));
      }
      for (String p : stop.dropoffs()) {
        Integer from = pickupStop.get(p);
        here.add(dropoff(p, stop.id(), pupils.get(p), from != null && left[from] != null));
      }
      progress.add(new StopProgress(reached[i], left[i], here));
    }
    return progress;
  }

  private static PupilAtStop pickup(String pupilId, Reported r, boolean stopLeft) {
    if (r != null && r.boardedAt != null) {
      return new PupilAtStop(pupilId, "pickup", "boarded", null, r.boardedAt);
    }
    if (r != null && r.droppedAt != null) {
      return new PupilAtStop(pupilId, "pickup", "boarded", null, null);
    }
    if (r != null && r.absentAt != null) {
      return new PupilAtStop(pupilId, "pickup", "absent", r.absentReason, r.absentAt);
    }
    return new PupilAtStop(pupilId, "pickup", stopLeft ? "missed" : "expected", null, null);
  }

  private static PupilAtStop dropoff(
      String pupilId, String stopId, Reported r, boolean pickupLeft) {
    if (r != null && r.droppedAt != null) {
      String state = stopId.equals(r.droppedStop) ? "dropped" : "dropped_elsewhere";
      return new PupilAtStop(pupilId, "dropoff", state, null, r.droppedAt);
    }
    if (r != null && r.boardedAt != null) {
      return new PupilAtStop(pupilId, "dropoff", "boarded", null, r.boardedAt);
    }
    if (r != null && r.absentAt != null) {
      return new PupilAtStop(pupilId, "dropoff", "absent", r.absentReason, r.absentAt);
    }
    return new PupilAtStop(pupilId, "dropoff", pickupLeft ? "missed" : "expected", null, null);
  }

  private static void reach(Instant[] reached, List<StopPupils> stops, String stopId, Instant at) {
    for (int i = 0; i < stops.size(); i++) {
      if (stops.get(i).id().equals(stopId)) {
        reached[i] = earliest(reached[i], at);
      }
    }
  }

  private static boolean near(Fix f, StopPupils s) {
    return Geo.metres(f.lat(), f.lon(), s.lat(), s.lon()) <= Geo.STOP_RADIUS_METRES;
  }

  private static Instant earliest(Instant current, Instant at) {
    return current == null || at.isBefore(current) ? at : current;
  }
}
