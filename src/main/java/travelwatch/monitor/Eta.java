package travelwatch.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import travelwatch.config.MonitorSettings;
import travelwatch.monitor.RunPlan.StopPlan;

/**
 * When a run will reach a stop: the remaining distance along the remaining stops, times a detour
 * factor, the next kilometre at the observed speed and the rest at the typical speed, plus a minute
 * at each stop on the way.
 */
public final class Eta {
  private static final Duration DWELL = Duration.ofMinutes(1);
  private static final double NEAR_METRES = 1000;

  private Eta() {}

  /** The index of the last stop the vehicle has reached, or -1. */
  static int lastReached(RunState s) {
    int last = -1;
    for (int i = 0; i < s.stopReachedAt.length; i++) {
      if (s.stopReachedAt[i] != 0) {
        last = i;
      }
    }
    return last;
  }

  /** The predicted arrival at stop {@code target}; null before the run starts. */
  public static Instant at(RunState s, int target, MonitorSettings settings) {
    List<StopPlan> stops = s.plan.stops();
    if (s.stopReachedAt[target] != 0) {
      return Instant.ofEpochMilli(s.stopReachedAt[target]);
    }
    if (s.startedAt == 0) {
      return null;
    }
    int from = lastReached(s);
    if (s.positionAt == 0) {
      // Started, no position yet: keep to the planned timings from the start.
      Instant origin = Instant.ofEpochMilli(s.startedAt);
      Instant plannedFrom = from >= 0 ? stops.get(from).plannedAt() : stops.get(0).plannedAt();
      return origin.plus(Duration.between(plannedFrom, stops.get(target).plannedAt()).abs());
    }
    // The next kilometre of road at the vehicle's current speed; beyond it, the typical speed.
    double metres = 0;
    double lat = s.lat;
    double lon = s.lon;
    int stopsOnTheWay = 0;
    for (int i = Math.max(from + 1, 0); i <= target; i++) {
      StopPlan stop = stops.get(i);
      metres += Geo.metres(lat, lon, stop.lat(), stop.lon()) * settings.detourFactor();
      lat = stop.lat();
      lon = stop.lon();
      if (i < target) {
        stopsOnTheWay++;
      }
    }
    double near = Math.min(metres, NEAR_METRES);
    double seconds =
        near / (speedKph(s, settings) / 3.6) + (metres - near) / (settings.defaultSpeedKph() / 3.6);
    return Instant.ofEpochMilli(s.positionAt)
        .plusSeconds(Math.round(seconds))
        .plus(DWELL.multipliedBy(stopsOnTheWay));
  }

  /**
   * The speed to predict with: the reported speed while moving, else the speed between the two
   * latest positions if the vehicle is clearly moving, else the default. A vehicle stopped at a
   * stop or slowing into one is not about to crawl the rest of the way; if it is held, its ETA
   * moves later with each new position anyway.
   */
  static double speedKph(RunState s, MonitorSettings settings) {
    if (!Double.isNaN(s.reportedSpeedKph)) {
      return s.reportedSpeedKph >= 5 && s.reportedSpeedKph <= 80
          ? s.reportedSpeedKph
          : settings.defaultSpeedKph();
    }
    if (s.previousAt != 0 && s.positionAt > s.previousAt) {
      double kph =
          Geo.metres(s.previousLat, s.previousLon, s.lat, s.lon)
              / ((s.positionAt - s.previousAt) / 1000.0)
              * 3.6;
      if (kph >= 10 && kph <= 80) {
        return kph;
      }
    }
    return settings.defaultSpeedKph();
  }

  /** Arrival at the run's last stop, actual or predicted. */
  public static Instant arrival(RunState s, MonitorSettings settings) {
    if (s.arrivedAt != 0) {
      return Instant.ofEpochMilli(s.arrivedAt);
    }
    return at(s, s.plan.stops().size() - 1, settings);
  }

  /** Whole minutes after {@code arriveBy} (0 when on time); null when there is no estimate. */
  public static Integer minutesLate(RunState s, MonitorSettings settings) {
    Instant arrival = arrival(s, settings);
    if (arrival == null) {
      return null;
    }
    long seconds = Duration.between(s.plan.arriveBy(), arrival).getSeconds();
    return seconds <= 0 ? 0 : (int) ((seconds + 59) / 60);
  }
}
