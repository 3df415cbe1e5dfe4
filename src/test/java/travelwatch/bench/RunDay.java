package travelwatch.bench;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import travelwatch.monitor.Geo;
import travelwatch.plan.Plan;

/**
 * One run's events on its day as an operator's feed sends them, timed by the plan: crew assigned,
 * run started, a position at a fixed interval along the stops, each pupil boarded and dropped at
 * their planned stops, arrived, completed. Bodies are in the form the store keeps (keys sorted).
 */
final class RunDay {
  private static final Duration ASSIGNED_BEFORE = Duration.ofMinutes(30);
  private static final Duration STARTED_BEFORE = Duration.ofMinutes(5);
  private static final Duration AT_STOP = Duration.ofSeconds(30);
  private static final Duration COMPLETED_AFTER = Duration.ofMinutes(3);
  private static final Duration DWELL = Duration.ofMinutes(1);
  private static final double DETOUR = 1.3;

  /** One event: who sent it, its id, type, when it happened, its run and its stored body. */
  record DayEvent(
      String owner, String eventId, String type, Instant occurredAt, String runId, String body) {

    /** The event as {@code MonitorStore} hands it to {@code ObservationCodec}. */
    JsonObject stored(long seq, Instant receivedAt) {
      return new JsonObject()
          .put("seq", seq)
          .put("eventId", eventId)
          .put("type", type)
          .put("occurredAt", occurredAt.toString())
          .put("receivedAt", receivedAt.toString())
          .put("body", body);
    }
  }

  private RunDay() {}

  /**
   * The run's events that happen before {@code until} (all of them when null), in time order, with
   * a position every {@code positionEvery} from the start to the last stop.
   */
  static List<DayEvent> events(
      Plan.Run run, String operatorId, ZoneId zone, Duration positionEvery, Instant until) {
    List<Plan.Stop> stops = run.stops();
    int last = stops.size() - 1;
    Instant[] at = new Instant[stops.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = run.date().atTime(stops.get(i).plannedTime()).atZone(zone).toInstant();
    }
    Builder b = new Builder("operator:" + operatorId, run.id());
    String vehicle = "TW " + run.routeId().substring(2);
    Plan.Stop first = stops.get(0);

    Map<String, Object> assigned = b.fields("crew.assigned", at[0].minus(ASSIGNED_BEFORE));
    assigned.put("driverId", run.plannedDriverId().orElseThrow());
    run.plannedGuideId().ifPresent(g -> assigned.put("guideId", g));
    assigned.put("vehicleReg", vehicle);
    b.add(assigned);

    Instant startedAt = at[0].minus(STARTED_BEFORE);
    Map<String, Object> started = b.fields("run.started", startedAt);
    started.put("driverId", run.plannedDriverId().orElseThrow());
    run.plannedGuideId().ifPresent(g -> started.put("guideId", g));
    started.put("vehicleReg", vehicle);
    started.put("lat", first.lat());
    started.put("lon", first.lon());
    b.add(started);

    for (Instant t = startedAt.plus(positionEvery);
        t.isBefore(at[last]);
        t = t.plus(positionEvery)) {
      b.add(position(b.fields("vehicle.position", t), stops, at, t));
    }
    for (int k = 0; k <= last; k++) {
      Plan.Stop s = stops.get(k);
      for (String pupil : s.pickups()) {
        b.add(pupilAt(b.fields("pupil.boarded", at[k].plus(AT_STOP)), pupil, s));
      }
      for (String pupil : s.dropoffs()) {
        b.add(pupilAt(b.fields("pupil.dropped", at[k].plus(AT_STOP)), pupil, s));
      }
    }
    Map<String, Object> arrived = b.fields("run.arrived", at[last]);
    arrived.put("stopId", stops.get(last).id());
    b.add(arrived);
    b.add(b.fields("run.completed", at[last].plus(COMPLETED_AFTER)));

    List<DayEvent> events = new ArrayList<>(b.events.size());
    for (DayEvent e : b.events) {
      if (until == null || e.occurredAt().isBefore(until)) {
        events.add(e);
      }
    }
    events.sort(Comparator.comparing(DayEvent::occurredAt));
    return events;
  }

  /** A minute after the run's last pupil boarded: mid-journey, everyone on board. */
  static Instant afterLastPickup(Plan.Run run, ZoneId zone) {
    Plan.Stop lastPickup = run.stops().get(0);
    for (Plan.Stop s : run.stops()) {
      if (!s.pickups().isEmpty()) {
        lastPickup = s;
      }
    }
    return run.date()
        .atTime(lastPickup.plannedTime())
        .atZone(zone)
        .toInstant()
        .plus(AT_STOP)
        .plus(Duration.ofMinutes(1));
  }

  /**
   * Points on the road between stops, each more than {@code awayMetres} from every stop: positions
   * that move a run's ETA without reaching (or leaving) any stop.
   */
  static List<double[]> pointsBetweenStops(Plan.Run run, double awayMetres) {
    List<double[]> points = new ArrayList<>();
    List<Plan.Stop> stops = run.stops();
    for (int k = 0; k + 1 < stops.size(); k++) {
      Plan.Stop a = stops.get(k);
      Plan.Stop c = stops.get(k + 1);
      for (double f = 0.2; f < 0.81; f += 0.1) {
        double lat = a.lat() + (c.lat() - a.lat()) * f;
        double lon = a.lon() + (c.lon() - a.lon()) * f;
        boolean clear = true;
        for (Plan.Stop s : stops) {
          clear &= Geo.metres(lat, lon, s.lat(), s.lon()) > awayMetres;
        }
        if (clear) {
          points.add(new double[] {round(lat), round(lon)});
        }
      }
    }
    return points;
  }

  /**
   * Where the vehicle is at {@code t}: at the first stop until its time, then a minute at each stop
   * and the rest of the leg on the road, at the road speed (straight line times the plan's detour).
   */
  private static Map<String, Object> position(
      Map<String, Object> fields, List<Plan.Stop> stops, Instant[] at, Instant t) {
    int k = 0;
    while (k + 1 < at.length && !t.isBefore(at[k + 1])) {
      k++;
    }
    Plan.Stop from = stops.get(k);
    if (t.isBefore(at[0]) || k + 1 >= at.length) {
      fields.put("lat", from.lat());
      fields.put("lon", from.lon());
      return fields;
    }
    Plan.Stop to = stops.get(k + 1);
    double driveMillis =
        Math.max(AT_STOP.toMillis(), Duration.between(at[k], at[k + 1]).minus(DWELL).toMillis());
    double f =
        Math.max(0, Math.min(1, Duration.between(at[k].plus(DWELL), t).toMillis() / driveMillis));
    fields.put("lat", round(from.lat() + (to.lat() - from.lat()) * f));
    fields.put("lon", round(from.lon() + (to.lon() - from.lon()) * f));
    double roadMetres = Geo.metres(from.lat(), from.lon(), to.lat(), to.lon()) * DETOUR;
    fields.put("speedKph", Math.round(roadMetres / (driveMillis / 1000) * 3.6 * 10) / 10.0);
    return fields;
  }

  private static Map<String, Object> pupilAt(
      Map<String, Object> fields, String pupilId, Plan.Stop s) {
    fields.put("pupilId", pupilId);
    fields.put("stopId", s.id());
    fields.put("lat", s.lat());
    fields.put("lon", s.lon());
    return fields;
  }

  private static double round(double d) {
    return Math.round(d * 1e5) / 1e5;
  }

  /** Numbers the run's events and encodes each body with its keys sorted, as ingest stores it. */
  private static final class Builder {
    final String owner;
    final String runId;
    final List<DayEvent> events = new ArrayList<>();

    Builder(String owner, String runId) {
      this.owner = owner;
      this.runId = runId;
    }

    Map<String, Object> fields(String type, Instant occurredAt) {
      Map<String, Object> fields = new TreeMap<>();
      fields.put("eventId", runId + "-" + (events.size() + 1));
      fields.put("type", type);
      fields.put("occurredAt", occurredAt.toString());
      fields.put("runId", runId);
      return fields;
    }

    void add(Map<String, Object> fields) {
      events.add(
          new DayEvent(
              owner,
              (String) fields.get("eventId"),
              (String) fields.get("type"),
              Instant.parse((String) fields.get("occurredAt")),
              runId,
              new JsonObject(fields).encode()));
    }
  }
}
